// `npm run coverage [-- <test paths>]`: line coverage of src/ as a whole, from the tests' own
// process (Jest's V8 coverage) and from every child process the end-to-end tests start.
//
// The end-to-end tests run the action and the CLI as the runner does, in child processes. Those
// children run here from src/ compiled by tsc into a temporary folder, with column-exact source
// maps, instead of from ncc's bundle: ncc builds its maps as webpack's cheap-module-source-map
// (line-only, not configurable), through which V8's ranges cannot be mapped back (c8 then counts
// every line as covered). Same sources, same entry files, same node_modules; only the bundling
// differs, and the normal `npm test` runs the bundle itself. dist/ is left alone.
// Each child writes raw V8 coverage (NODE_V8_COVERAGE, passed on by run-action.ts and
// run-cli.ts when OCI_CHILD_COVERAGE is set); c8 maps it to src/. A line counts as covered when
// either side ran it (a line as c8 counts it: every line of a file, comments too, unless the
// file holds types only). Written to coverage/: the per-file table (coverage.txt) and the
// figures (coverage-summary.json).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'coverage');

function run(command, args, env = {}) {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** file (relative to the repository, `/`-separated) → line → whether it ran. */
function readLines(coverageJson, lines = new Map()) {
  const files = JSON.parse(readFileSync(coverageJson, 'utf8'));
  for (const [path, file] of Object.entries(files)) {
    const name = relative(ROOT, path).split(sep).join('/');
    if (!name.startsWith('src/')) continue;
    const known = lines.get(name) ?? new Map();
    for (const [id, location] of Object.entries(file.statementMap)) {
      const line = location.start.line;
      known.set(line, (known.get(line) ?? false) || file.s[id] > 0);
    }
    lines.set(name, known);
  }
  return lines;
}

/** Whether compiled JavaScript does anything beyond `export {};` and comments. */
const hasCode = (js) =>
  js
    .split('\n')
    .map((line) => line.trim())
    .some((line) => line !== '' && line !== 'export {};' && !line.startsWith('//'));

const percent = (covered, total) => (total === 0 ? 100 : (100 * covered) / total);

function table(rows) {
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows
    .map(([name, covered, total]) => {
      const figure = percent(covered, total).toFixed(1).padStart(5);
      return `${name.padEnd(width)}  ${figure} %  ${String(covered).padStart(6)} / ${total}`;
    })
    .join('\n');
}

const temp = mkdtempSync(join(tmpdir(), 'oci-coverage-'));
let testStatus = 1;
try {
  // src/ compiled as it is, with source maps, in a folder that resolves this node_modules.
  const build = join(temp, 'build');
  mkdirSync(build);
  writeFileSync(join(build, 'package.json'), '{"type":"module"}\n');
  symlinkSync(join(ROOT, 'node_modules'), join(build, 'node_modules'), 'junction');
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const compiled = run(process.execPath, [
    tsc,
    ...['-p', 'tsconfig.json', '--noEmit', 'false', '--sourceMap'],
    ...['--rootDir', 'src', '--outDir', join(build, 'js')],
  ]);
  if (compiled !== 0) throw new Error('tsc failed');

  if (run(process.execPath, [join(ROOT, '__tests__', 'support', 'prerequisites.mjs')]) !== 0) {
    throw new Error('the test prerequisites are missing');
  }
  const children = join(temp, 'v8');
  mkdirSync(children);
  testStatus = run(
    process.execPath,
    [
      '--experimental-vm-modules',
      join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'),
      '--coverage',
      '--coverageProvider=v8',
      '--collectCoverageFrom=src/**/*.ts',
      '--coverageReporters=json',
      `--coverageDirectory=${join(temp, 'jest')}`,
      ...process.argv.slice(2),
    ],
    {
      OCI_ACTION_ENTRY: join(build, 'js', 'index.js'),
      OCI_CLI_ENTRY: join(build, 'js', 'cli.js'),
      OCI_CHILD_COVERAGE: children,
    },
  );

  const mapped = run(process.execPath, [
    join(ROOT, 'node_modules', 'c8', 'bin', 'c8.js'),
    'report',
    ...['--temp-directory', children, '--reports-dir', join(temp, 'children')],
    ...['--reporter', 'json', '--include', 'src/**', '--exclude-after-remap'],
  ]);
  if (mapped !== 0) throw new Error('c8 could not map the coverage of the child processes');

  const lines = readLines(join(temp, 'jest', 'coverage-final.json'));
  readLines(join(temp, 'children', 'coverage-final.json'), lines);
  // A file of types only compiles to nothing that runs (its imports are erased): nothing to cover.
  for (const name of lines.keys()) {
    const compiled = join(build, 'js', `${name.slice('src/'.length, -'.ts'.length)}.js`);
    if (!hasCode(readFileSync(compiled, 'utf8'))) lines.delete(name);
  }
  const files = [...lines.entries()]
    .map(([name, known]) => [name, [...known.values()].filter(Boolean).length, known.size])
    .sort(([a], [b]) => a.localeCompare(b));
  const folders = new Map();
  for (const [name, covered, total] of files) {
    const folder = name.slice(0, name.lastIndexOf('/'));
    const sum = folders.get(folder) ?? [0, 0];
    folders.set(folder, [sum[0] + covered, sum[1] + total]);
  }
  const covered = files.reduce((sum, [, c]) => sum + c, 0);
  const total = files.reduce((sum, [, , t]) => sum + t, 0);
  const folderRows = [...folders].map(([folder, [c, t]]) => [`${folder}/`, c, t]);

  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'coverage.txt'), `${table(files)}\n`);
  writeFileSync(
    join(OUT, 'coverage-summary.json'),
    `${JSON.stringify(
      {
        lines: { covered, total, percent: percent(covered, total) },
        folders: Object.fromEntries(
          folderRows.map(([folder, c, t]) => [folder, { covered: c, total: t }]),
        ),
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nLines covered, by folder (each file: coverage/coverage.txt)\n`);
  console.log(table([...folderRows, ['src/ (all)', covered, total]]));
} finally {
  rmSync(temp, { recursive: true, force: true });
}
process.exitCode = testStatus;
