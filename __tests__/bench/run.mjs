// `npm run bench`: throughput and peak memory of the action's push and pull against the bare
// HTTP ceiling (curl) and an independent client (skopeo), on a fresh local registry per case.
// Prints a Markdown report and writes it under .bench/ (git-ignored). Not a test: nothing here
// fails on a slow figure; it fails only when a contender fails to do its job.
//
//   npm run bench                  full sizes (1 and 3 GiB, 2,000 files, 10,000-file folder), 3 rounds
//   npm run bench -- --quick       small sizes, one round (for development)
//   npm run bench -- --rounds 5    more rounds
//   npm run bench -- --op push     pushes only (or pulls only)
//   npm run bench -- --case big,small   only these cases (big, mid, huge, small, folder)
//   npm run bench -- --wan         the WAN cases (wan-big, wan-few, wan-many), each registry
//                                  behind the WAN proxy (wan.mjs): requests and connections
//                                  counted per run
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { ACTION_ENTRY } from './action.mjs';
import { CASE_IDS, makeCases } from './cases.mjs';
import { writeFolder, writeRandomFile, writeSmallFiles } from './data.mjs';
import { ensurePrerequisites, toolVersions } from './prerequisites.mjs';
import { ownFolder } from './processes.mjs';
import { startRegistry } from './registry.mjs';
import { markdownTable, seriesKey, trafficTable } from './report.mjs';
import { checkTargets } from './targets.mjs';
import { behindWan, requestCount, WAN_LINK } from './wan.mjs';
import { checkWanBigTargets, makeWanBigCases, WAN_BIG_CASE_IDS } from './wan-big-cases.mjs';
import { checkWanSmallTargets, makeWanSmallCases, WAN_SMALL_CASE_IDS } from './wan-small-cases.mjs';

const ROOT = join(import.meta.dirname, '..', '..');

const SIZES = {
  full: {
    big: 2 ** 30,
    huge: 3 * 2 ** 30,
    small: 2000,
    smallSize: 4096,
    folderFiles: 10_000,
    folderBytes: 200e6,
  },
  quick: {
    big: 64 * 2 ** 20,
    huge: 192 * 2 ** 20,
    small: 200,
    smallSize: 4096,
    folderFiles: 1000,
    folderBytes: 20e6,
  },
};

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    op: { type: 'string' },
    case: { type: 'string' },
    wan: { type: 'boolean', default: false },
  },
});
const ops = args.op ? [args.op] : ['push', 'pull'];
if (!ops.every((op) => op === 'push' || op === 'pull')) throw new Error(`--op: ${args.op}`);
const knownCases = args.wan ? [...WAN_BIG_CASE_IDS, ...WAN_SMALL_CASE_IDS] : CASE_IDS;
const caseIds = args.case ? args.case.split(',') : knownCases;
const unknownCase = caseIds.find((id) => !knownCases.includes(id));
if (unknownCase) {
  throw new Error(`--case: ${unknownCase}; expected some of ${knownCases.join(', ')}`);
}
/** A fresh registry; in WAN mode reached through the WAN proxy, `side` in front of it. */
const startCaseRegistry = async (dir, side) => {
  const registry = await startRegistry(dir);
  return args.wan ? behindWan(registry, side) : registry;
};
const sizes = args.quick ? SIZES.quick : SIZES.full;
const rounds = Number(args.rounds ?? (args.quick ? 1 : 3));
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds: ${args.rounds}`);

const log = (line) => console.error(line);
const started = process.hrtime.bigint();
const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;

ensurePrerequisites();
if (!existsSync(ACTION_ENTRY)) {
  throw new Error(
    `No bundled action at ${ACTION_ENTRY}: run npm run bundle (or set OCI_ACTION_ENTRY).`,
  );
}

const work = ownFolder(await mkdtemp(join(tmpdir(), 'oci-bench-')));
try {
  const report = await benchmark(work.path);
  console.log(report);
  const dir = join(ROOT, '.bench');
  await mkdir(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(dir, `bench-${stamp}${args.quick ? '-quick' : ''}.md`);
  await writeFile(file, `${report}\n`);
  log(`Report written to ${file}`);
} finally {
  work.removeNow();
}

async function benchmark(workDir) {
  const scratch = join(workDir, 'scratch');
  const dataDir = join(workDir, 'data');
  await mkdir(scratch, { recursive: true });
  await mkdir(dataDir, { recursive: true });

  log(`Generating data in ${dataDir}…`);
  const data = {
    dir: dataDir,
    big: await writeRandomFile(dataDir, 'big.bin', sizes.big),
    mid: await writeRandomFile(dataDir, 'mid.bin', sizes.big / 16),
    huge: caseIds.includes('huge')
      ? await writeRandomFile(dataDir, 'huge.bin', sizes.huge)
      : undefined,
    small: await writeSmallFiles(dataDir, 'small', sizes.small, sizes.smallSize),
    few: await writeSmallFiles(dataDir, 'few', 200, sizes.smallSize),
    folder: await writeFolder(dataDir, 'tree', sizes.folderFiles, sizes.folderBytes),
  };
  log(`… done in ${elapsed().toFixed(1)} s`);

  const all = new Map();
  let runs = 0;
  const allCases = args.wan
    ? [...makeWanBigCases({ data, scratch }), ...makeWanSmallCases({ data, scratch })]
    : makeCases({ data, scratch });
  const cases = allCases.filter((benchCase) => caseIds.includes(benchCase.id));
  for (const benchCase of cases) {
    log(`\n== ${benchCase.title}`);
    const caseRegistry = await startCaseRegistry(join(workDir, 'registries', benchCase.id));
    try {
      await benchCase.seed(caseRegistry);
      for (const op of ops) {
        const contenders = benchCase[op];
        if (contenders.length === 0) continue;
        if (op === 'pull') await benchCase.beforePull?.(caseRegistry);
        const first = seriesKey(benchCase.id, op, contenders[0].name);
        for (const contender of contenders) {
          const key = seriesKey(benchCase.id, op, contender.name);
          all.set(key, {
            caseId: benchCase.id,
            caseTitle: benchCase.title,
            op,
            contender: contender.name,
            bytes: benchCase.bytes,
            ...(benchCase.blobs ? { blobs: benchCase.blobs } : {}),
            ...(contender.ratioTo || key !== first ? { ratioTo: contender.ratioTo ?? first } : {}),
            ...(contender.ratioLabel ? { ratioLabel: contender.ratioLabel } : {}),
            samples: [],
          });
        }
        for (let round = 1; round <= rounds; round++) {
          for (const contender of contenders) {
            if (round > (contender.rounds ?? rounds)) continue;
            const fresh = op === 'push' && !contender.seeded;
            const registry = fresh
              ? await startCaseRegistry(
                  join(workDir, 'registries', `run-${++runs}`),
                  contender.side,
                )
              : caseRegistry;
            const out = join(workDir, `out-${++runs}`);
            await mkdir(out);
            try {
              const registryCpuBefore = registry.cpuSeconds();
              registry.traffic?.reset();
              const { seconds, peakKiB, cpuSeconds } = await contender.run({ registry, out });
              const registryCpu = registry.cpuSeconds() - registryCpuBefore;
              const traffic = registry.traffic?.stats();
              const sample = { seconds, peakKiB, cpuSeconds, registryCpu, traffic };
              all.get(seriesKey(benchCase.id, op, contender.name)).samples.push(sample);
              const sent = traffic
                ? `, ${requestCount(traffic)} requests on ${traffic.connections} connections`
                : '';
              log(
                `${op} ${contender.name.padEnd(32)} round ${round}: ${seconds.toFixed(2)} s, ` +
                  `${(peakKiB / 1024).toFixed(0)} MiB peak, CPU ${cpuSeconds.toFixed(2)} s ` +
                  `(registry ${registryCpu.toFixed(2)} s)${sent}`,
              );
            } finally {
              await rm(out, { recursive: true, force: true });
              if (fresh) await registry.stop();
            }
          }
        }
      }
    } finally {
      await caseRegistry.stop();
    }
  }
  return describe(all);
}

function describe(all) {
  const versions = toolVersions();
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const facts = [
    new Date().toISOString(),
    `${availableParallelism()} CPUs (${cpu})`,
    `${(totalmem() / 2 ** 30).toFixed(1)} GiB memory`,
    `Node ${process.version}`,
    versions.registry,
    versions.skopeo,
    versions.curl.split(' ').slice(0, 2).join(' '),
    versions.openssl.split(' ').slice(0, 2).join(' '),
    `action ${relative(ROOT, ACTION_ENTRY)} at ${gitRevision()}`,
    ...(args.wan
      ? [
          `WAN proxy: ${WAN_LINK.rttMs} ms round trip, ${WAN_LINK.bytesPerSecond / 1e6} MB/s a connection`,
        ]
      : []),
    `${rounds} round(s), medians`,
    `whole run ${elapsed().toFixed(0)} s`,
  ];
  const traffic = trafficTable(all);
  return [
    `# oci-artifact-action benchmark${args.wan ? ', WAN' : ''}${args.quick ? ' (--quick sizes)' : ''}`,
    '',
    facts.join(' · '),
    '',
    markdownTable(all),
    '',
    ...(traffic ? [traffic, ''] : []),
    ...(args.wan ? [checkWanBigTargets(all), '', checkWanSmallTargets(all)] : [checkTargets(all)]),
  ].join('\n');
}

/** The commit the tree is at, `-dirty` when it has changes (a bundle may differ from both). */
function gitRevision() {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
  } catch {
    return 'unknown revision';
  }
}
