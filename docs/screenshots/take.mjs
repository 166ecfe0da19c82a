// Renders the job summary of each command as a person sees it on a workflow run's page: runs the
// bundled CLI (which writes the action's own summaries to GITHUB_STEP_SUMMARY) against a local
// registry, turns each summary's Markdown into HTML with GitHub-like CSS at GitHub's width, and
// takes a screenshot with headless Chromium. A developer tool, not part of `npm test`.
//
//   npm run bundle && node docs/screenshots/take.mjs
//
// Needs Debian's docker-registry and chromium; with pngquant (Debian's too) the pictures are a
// third of the size. Writes the pictures the README shows into
// docs/screenshots/ and the other commands' into a temporary folder it prints, for review. In the
// pictures the loopback registry is shown as ghcr.io and the workspace as a runner's, so that
// they read as a real run; digests and sizes are the real ones.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { marked } from 'marked';
import { startRegistry } from '../../__tests__/bench/registry.mjs';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'index.js');
const SHOWN_IN_README = ['push', 'pull', 'discover'];
/** The width of the summary column on a workflow run's page. */
const WIDTH = 1000;
const SHOWN_HOST = 'ghcr.io';
const SHOWN_WORKSPACE = '/home/runner/work/app/app';

const CSS = `
  body { margin: 0; background: #ffffff; }
  .summary {
    box-sizing: border-box; width: ${WIDTH}px; padding: 16px 24px 8px;
    font-family: -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, "Liberation Sans", sans-serif;
    font-size: 14px; line-height: 1.5; color: #1f2328; word-wrap: break-word;
  }
  .summary > .step { font-weight: 600; color: #59636e; font-size: 12px; margin-bottom: 8px; }
  h3 { font-size: 1.25em; font-weight: 600; line-height: 1.25; margin: 16px 0 12px; }
  h3:first-of-type { margin-top: 0; }
  p, ul, table, pre { margin: 0 0 16px; }
  ul { padding-left: 2em; }
  li + li { margin-top: 0.25em; }
  code, pre {
    font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
    font-size: 85%;
  }
  code { padding: 0.2em 0.4em; background: rgba(129, 139, 152, 0.12); border-radius: 6px; }
  pre { padding: 16px; background: #f6f8fa; border-radius: 6px; line-height: 1.45; overflow: auto; }
  pre code { padding: 0; background: transparent; font-size: 100%; }
  table {
    display: block; width: max-content; max-width: 100%; overflow: auto; border-spacing: 0;
    border-collapse: collapse;
  }
  th, td { padding: 6px 13px; border: 1px solid #d1d9e0; }
  th { font-weight: 600; }
  tr { background: #ffffff; border-top: 1px solid #d1d9e0b3; }
  tr:nth-child(2n) { background: #f6f8fa; }
`;

function cli(ws, env, args) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ws,
    env: { PATH: process.env.PATH, HOME: ws, ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`oci-artifact ${args.join(' ')} failed:\n${result.stderr}`);
  }
  return JSON.parse(result.stdout);
}

async function writeTree(root, files) {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

/** The summary each command writes, by name. */
async function summaries(registryHost, ws, scratch) {
  await writeTree(ws, {
    'dist/index.html': '<!doctype html><title>app</title>\n'.repeat(40),
    'dist/assets/app.js': 'console.log("app");\n'.repeat(3000),
    'dist/assets/app.css': 'body { margin: 0 }\n'.repeat(800),
    'report.json': JSON.stringify({ tests: 412, failed: 0 }),
    'logs/build.log': 'built in 41 s\n'.repeat(200),
    'logs/test.log': 'ok\n'.repeat(900),
    'sbom.spdx.json': JSON.stringify({ spdxVersion: 'SPDX-2.3', name: 'app' }),
    'provenance.json': JSON.stringify({ predicateType: 'https://slsa.dev/provenance/v1' }),
  });
  const markdown = {};
  const run = async (name, args) => {
    const file = join(scratch, `${name}.md`);
    await writeFile(file, '');
    const outputs = cli(
      ws,
      {
        GITHUB_STEP_SUMMARY: file,
        GITHUB_ACTION_REPOSITORY: 'octo-org/oci-artifact-action',
        GITHUB_ACTION_REF: 'v1',
      },
      args,
    );
    markdown[name] = await readFile(file, 'utf8');
    return outputs;
  };
  const repo = `${registryHost}/octo-org/app/build`;
  const pushed = await run('push', [
    'push',
    '--reference',
    `${repo}:v1.4.0`,
    '--tags',
    'latest',
    '--artifact-type',
    'application/vnd.example.build.v1',
    '--files',
    'dist/',
    '--files',
    'report.json:application/vnd.example.report.v1+json',
    '--files',
    'logs/*.log:text/plain',
  ]);
  await run('pull', ['pull', '--reference', `${repo}:v1.4.0`, '--path', 'downloaded']);
  await run('attach', [
    'attach',
    '--reference',
    `${repo}@${pushed.digest}`,
    '--artifact-type',
    'application/spdx+json',
    '--files',
    'sbom.spdx.json:application/spdx+json',
    '--annotations',
    'org.opencontainers.image.created=2026-11-29T10:00:00Z',
  ]);
  await run('attach-provenance', [
    'attach',
    '--reference',
    `${repo}@${pushed.digest}`,
    '--artifact-type',
    'application/vnd.in-toto+json',
    '--files',
    'provenance.json:application/vnd.in-toto+json',
    '--annotations',
    'org.opencontainers.image.created=2026-11-29T10:00:05Z',
    '--annotations',
    'dev.sigstore.bundle.predicateType=https://slsa.dev/provenance/v1',
  ]);
  await run('discover', ['discover', '--reference', `${repo}:v1.4.0`]);
  await run('resolve', ['resolve', '--reference', `${repo}:latest`]);
  await run('tag', ['tag', '--reference', `${repo}:v1.4.0`, '--tags', 'stable', '--tags', 'v1']);
  await run('repo-tags', ['repo-tags', '--reference', repo]);
  await run('copy', [
    'copy',
    '--source',
    `${repo}:v1.4.0`,
    '--reference',
    `${registryHost}/octo-org/mirror/build`,
    '--recursive',
  ]);
  await run('push-layout', [
    'push',
    '--layout',
    'out/layout',
    '--reference',
    'v1.4.0',
    '--files',
    'dist/',
  ]);
  return markdown;
}

function page(markdown, step) {
  return `<!doctype html><meta charset="utf-8"><style>${CSS}</style>
<div class="summary"><div class="step">${step} summary</div>${marked.parse(markdown, { gfm: true })}</div>
<script>document.body.dataset.height = document.querySelector('.summary').scrollHeight;</script>`;
}

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--hide-scrollbars',
  '--force-device-scale-factor=1',
];

function chromium(profile, args) {
  return execFileSync('chromium', [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 60_000,
  });
}

/** Two passes: the page's height from its DOM, then a picture of exactly that height. */
async function screenshot(html, png, scratch) {
  const file = join(scratch, `${png.split('/').pop()}.html`);
  await writeFile(file, html);
  const profile = mkdtempSync(join(scratch, 'chromium-'));
  const dom = chromium(profile, [`--window-size=${WIDTH},2000`, '--dump-dom', `file://${file}`]);
  const height = Number(/data-height="(\d+)"/.exec(dom)?.[1]);
  if (!Number.isFinite(height) || height <= 0) throw new Error(`no height for ${file}`);
  chromium(profile, [`--window-size=${WIDTH},${height}`, `--screenshot=${png}`, `file://${file}`]);
  shrink(png);
}

/** Fewer colours, the same look: pngquant when it is installed. */
function shrink(png) {
  const args = ['--quality=70-90', '--speed', '1', '--strip', '--force', '--output', png, png];
  const result = spawnSync('pngquant', args, { stdio: 'ignore' });
  if (result.error?.code === 'ENOENT') console.warn('pngquant not found: pictures left as taken');
}

const scratch = mkdtempSync(join(tmpdir(), 'oci-screenshots-'));
const review = join(scratch, 'review');
await mkdir(review);
const registry = await startRegistry(join(scratch, 'registry'));
try {
  const ws = join(scratch, 'ws');
  await mkdir(ws);
  const markdown = await summaries(registry.host, ws, scratch);
  for (const [name, text] of Object.entries(markdown)) {
    const shown = text.replaceAll(registry.host, SHOWN_HOST).replaceAll(ws, SHOWN_WORKSPACE);
    const folder = SHOWN_IN_README.includes(name) ? import.meta.dirname : review;
    const png = join(folder, `${name}.png`);
    await screenshot(page(shown, name.replace(/-(provenance|layout)$/, '')), png, scratch);
    await writeFile(join(review, `${name}.md`), shown);
    console.log(png);
  }
  console.log(`Markdown and the other pictures: ${review}`);
} finally {
  await registry.stop();
}
await rm(join(scratch, 'ws'), { recursive: true, force: true });
