// What the portable workflow (.github/workflows/portable.yml) runs around the action on Linux,
// macOS and Windows: it makes the tree to push, checks the tree pulled back, writes OCI layout
// folders with chosen titles, and judges the outcome of pulling those on this runner's file
// system. Plain Node, no dependency, so it runs before and apart from the action.
//
//   node portable-check.mjs tree <folder>              a folder with an executable, links, nesting
//   node portable-check.mjs compare <pulled>           the pull holds what was pushed, working
//   node portable-check.mjs layout <folder> <title>... a layout tagged "latest", a file per title
//   node portable-check.mjs expect <case|windows> <outcome> <output folder>
import { createHash } from 'node:crypto';
import {
  access,
  chmod,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';

const windows = process.platform === 'win32';
const problems = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) problems.push(what);
};

const FILES = {
  'site/index.html': '<h1>portable</h1>\n',
  'site/nested/deeper/page.html': '<p>deep</p>\n',
  'site/bin/run.sh': '#!/bin/sh\necho ran\n',
  'tool.sh': '#!/bin/sh\necho tool\n',
};
const EXECUTABLES = ['site/bin/run.sh', 'tool.sh'];
const LINKS = { 'site/latest': 'nested/deeper', 'site/run': 'bin/run.sh' };

async function tree(root) {
  for (const [path, content] of Object.entries(FILES)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), content);
  }
  for (const path of EXECUTABLES) await chmod(join(root, path), 0o755);
  // A link to a folder and one to a file, written with `/` (Windows stores them with `\`).
  await symlink(LINKS['site/latest'], join(root, 'site/latest'), 'dir');
  await symlink(LINKS['site/run'], join(root, 'site/run'), 'file');
}

async function compare(pulled) {
  for (const [path, content] of Object.entries(FILES)) {
    const got = await readFile(join(pulled, path), 'utf8').catch(() => undefined);
    check(got === content, `${path} holds what was pushed`);
    if (!windows && EXECUTABLES.includes(path)) {
      const mode = (await lstat(join(pulled, path)).catch(() => undefined))?.mode ?? 0;
      check((mode & 0o100) !== 0, `${path} is executable (${(mode & 0o777).toString(8)})`);
    }
  }
  for (const [path, target] of Object.entries(LINKS)) {
    const stats = await lstat(join(pulled, path)).catch(() => undefined);
    check(stats?.isSymbolicLink() === true, `${path} is a symbolic link`);
    const read = await readlink(join(pulled, path)).catch(() => '');
    check(read.replace(/\\/g, '/') === target, `${path} links to ${target} (${read})`);
  }
  // Through the links: a link of the wrong kind cannot be entered on Windows.
  const through = await readdir(join(pulled, 'site/latest')).catch(() => []);
  check(through.join() === 'page.html', 'site/latest can be entered');
  const run = await readFile(join(pulled, 'site/run'), 'utf8').catch(() => undefined);
  check(run === FILES['site/bin/run.sh'], 'site/run reads the file it links to');
  if (!windows) {
    for (const folder of ['site', 'site/nested', 'site/nested/deeper', 'site/bin']) {
      const mode = ((await lstat(join(pulled, folder)).catch(() => undefined))?.mode ?? 0) & 0o777;
      check((mode & 0o700) === 0o700, `${folder} can be entered (${mode.toString(8)})`);
    }
  }
}

const sha256 = (bytes) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function writeBlob(layout, bytes) {
  const digest = sha256(bytes);
  await mkdir(join(layout, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(layout, 'blobs', 'sha256', digest.slice(7)), bytes);
  return { digest, size: bytes.length };
}

/** An OCI image layout with one file layer per title: what another runner could have pushed. */
async function layout(folder, titles) {
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const config = await writeBlob(folder, Buffer.from('{}'));
  const layers = [];
  for (const title of titles) {
    const blob = await writeBlob(folder, Buffer.from(`${title}\n`));
    layers.push({
      mediaType: 'application/vnd.oci.image.layer.v1.tar',
      ...blob,
      annotations: { 'org.opencontainers.image.title': title },
    });
  }
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: 'application/vnd.example.portable.v1',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', ...config, data: 'e30=' },
      layers,
    }),
  );
  const stored = await writeBlob(folder, manifest);
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        ...stored,
        annotations: { 'org.opencontainers.image.ref.name': 'latest' },
      },
    ],
  };
  await writeFile(join(folder, 'index.json'), JSON.stringify(index));
}

/** Whether the folder ignores case: found out apart from the action, with a file of its own. */
async function ignoresCase(folder) {
  const name = `case-probe-${process.pid}`;
  await writeFile(join(folder, name), '');
  return access(join(folder, name.toUpperCase())).then(
    () => true,
    () => false,
  );
}

async function expect(kind, outcome, output) {
  const refused = kind === 'case' ? await ignoresCase(join(output, '..')) : windows;
  const why =
    kind === 'case'
      ? `the file system ${refused ? 'ignores' : 'heeds'} case`
      : `this is ${windows ? '' : 'not '}Windows`;
  check(outcome === (refused ? 'failure' : 'success'), `the pull's outcome is ${outcome}: ${why}`);
  if (refused) {
    const written = await readdir(output).catch(() => []);
    check(written.length === 0, `nothing was written to ${output} (${written.join(', ')})`);
  }
}

const [command, ...args] = process.argv.slice(2);
switch (command) {
  case 'tree':
    await tree(args[0]);
    break;
  case 'compare':
    await compare(args[0]);
    break;
  case 'layout':
    await layout(args[0], args.slice(1));
    break;
  case 'expect':
    await expect(args[0], args[1], args[2]);
    break;
  default:
    problems.push(`unknown command ${command}`);
}
if (problems.length > 0) {
  console.error(`${problems.length} check(s) failed`);
  process.exit(1);
}
