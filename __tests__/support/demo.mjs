// `npm run demo`: pushes a few files and a folder into a local OCI image layout with the bundled
// action (as the runner would start it), pulls them back into another folder and compares.
// No registry and no network needed. OCI_ACTION_ENTRY runs another bundle than dist/index.js.
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const ENTRY = process.env.OCI_ACTION_ENTRY ?? join(ROOT, 'dist', 'index.js');

/** Runs the action once; returns its exit code, outputs and log. */
async function runAction(dir, name, inputs) {
  const outputFile = join(dir, `${name}.output`);
  const summaryFile = join(dir, `${name}.summary.md`);
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: join(dir, 'workspace'),
    RUNNER_TEMP: join(dir, 'runner-temp'),
    RUNNER_TOOL_CACHE: join(dir, 'tool-cache'),
    DOCKER_CONFIG: join(dir, 'docker-config'),
  };
  for (const [key, value] of Object.entries(inputs)) env[`INPUT_${key.toUpperCase()}`] = value;
  const child = spawnSync(process.execPath, [ENTRY], { cwd: env.GITHUB_WORKSPACE, env });
  return {
    status: child.status,
    log: `${child.stdout}${child.stderr}`,
    outputs: parseOutputs(await readFile(outputFile, 'utf8')),
  };
}

/** `name<<DELIMITER` heredocs and `name=value` lines, as @actions/core writes them. */
function parseOutputs(text) {
  const outputs = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const value = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]);
      outputs[heredoc[1]] = value.join('\n');
    } else if (lines[i].includes('=')) {
      const eq = lines[i].indexOf('=');
      outputs[lines[i].slice(0, eq)] = lines[i].slice(eq + 1);
    }
  }
  return outputs;
}

/** Every file below `dir` → its bytes and mode, for comparing two trees. */
async function snapshot(dir) {
  const files = {};
  const walk = async (folder) => {
    for (const entry of (await readdir(folder, { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        const mode = ((await stat(path)).mode & 0o777).toString(8);
        files[relative(dir, path)] = `${mode} ${(await readFile(path)).toString('base64')}`;
      }
    }
  };
  await walk(dir);
  return files;
}

const printLog = (log) =>
  log
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('::debug::'))
    .forEach((line) => console.log(`    ${line}`));

const dir = await mkdtemp(join(tmpdir(), 'oci-demo-'));
try {
  const workspace = join(dir, 'workspace');
  await mkdir(join(workspace, 'site', 'assets'), { recursive: true });
  await mkdir(join(dir, 'runner-temp'), { recursive: true });
  await writeFile(join(workspace, 'report.json'), '{"tests": 42, "failed": 0}\n');
  await writeFile(join(workspace, 'notes.txt'), 'built by npm run demo\n');
  await writeFile(join(workspace, 'site', 'index.html'), '<h1>Hello from an OCI artifact</h1>\n');
  await writeFile(join(workspace, 'site', 'assets', 'style.css'), 'h1 { color: teal; }\n');
  await writeFile(join(workspace, 'site', 'serve.sh'), '#!/bin/sh\npython3 -m http.server\n');
  await chmod(join(workspace, 'site', 'serve.sh'), 0o755);
  console.log(`Demo folder: ${dir}`);
  console.log(`Action bundle: ${ENTRY}\n`);

  console.log('1. push report.json (with its own media type), notes.txt and the folder site/');
  console.log('   into the OCI image layout folder ./layout, tag "demo":');
  const push = await runAction(dir, 'push', {
    command: 'push',
    layout: 'layout',
    reference: 'demo',
    files: 'report.json:application/vnd.example.report.v1+json\nnotes.txt\nsite',
    'artifact-type': 'application/vnd.example.demo.v1',
  });
  printLog(push.log);
  if (push.status !== 0) throw new Error(`push failed with exit code ${push.status}`);
  console.log(`\n   digest:    ${push.outputs.digest}`);
  console.log(`   reference: ${push.outputs.reference}`);
  for (const file of JSON.parse(push.outputs.files)) {
    console.log(`   layer:     ${file.title} (${file.mediaType}, ${file.size} bytes)`);
  }

  console.log('\n2. push the same files again: same digest (reproducible), nothing new written:');
  const again = await runAction(dir, 'push-again', {
    command: 'push',
    layout: 'layout',
    reference: 'demo-again',
    files: 'report.json:application/vnd.example.report.v1+json\nnotes.txt\nsite',
    'artifact-type': 'application/vnd.example.demo.v1',
  });
  if (again.status !== 0) throw new Error(`second push failed:\n${again.log}`);
  const same = again.outputs.digest === push.outputs.digest;
  const existing = again.log.split('\n').filter((line) => line.startsWith('Exists')).length;
  console.log(`   digest:    ${again.outputs.digest} (${same ? 'the same' : 'DIFFERENT'})`);
  console.log(`   blobs already in the layout, not written again: ${existing}`);
  if (!same) throw new Error('the same inputs gave another digest');

  console.log('\n3. pull that exact digest into ./pulled and compare with what was pushed:');
  const pull = await runAction(dir, 'pull', {
    command: 'pull',
    layout: 'layout',
    reference: push.outputs.digest,
    path: join(dir, 'pulled'),
  });
  printLog(pull.log);
  if (pull.status !== 0) throw new Error(`pull failed with exit code ${pull.status}`);
  const pushed = await snapshot(workspace);
  const pulled = await snapshot(join(dir, 'pulled'));
  for (const name of Object.keys(pushed)) {
    if (name.startsWith('layout')) delete pushed[name];
  }
  const differences = [...new Set([...Object.keys(pushed), ...Object.keys(pulled)])].filter(
    (name) => pushed[name] !== pulled[name],
  );
  if (differences.length > 0) {
    throw new Error(`pulled files differ from the pushed ones: ${differences.join(', ')}`);
  }
  console.log(
    `\n   ${Object.keys(pulled).length} files pulled back, identical in content and mode (site/serve.sh still executable).`,
  );
  console.log('\nDone.');
} finally {
  await rm(dir, { recursive: true, force: true });
}
