// The ceiling: bare HTTP with curl, digests known in advance, nothing hashed or verified on
// the client (withDigest() adds the hashing a real client cannot skip, as a second reference). A push is the monolithic upload of the distribution spec (POST
// /v2/<name>/blobs/uploads/ for a session, then PUT <location>&digest=… with the bytes,
// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#post-then-put); a pull
// is GET /v2/<name>/blobs/<digest> into a file. Many blobs go through one curl process per
// phase (a config file with one URL per blob), with up to `parallel` connections kept alive,
// which is what the action's concurrency does too.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { measure } from './measure.mjs';

const COMMON = ['--silent', '--show-error', '--disable'];

/**
 * Uploads `blobs` into `repository`; returns the two curl processes' total time and the larger
 * peak memory.
 * @param {{ url: string }} registry
 * @param {{ path: string, digest: string }[]} blobs
 */
export async function curlPush(registry, repository, blobs, { parallel, scratch }) {
  const start = `${registry.url}/v2/${repository}/blobs/uploads/`;
  const sessions = await curlBatch(
    ['-X', 'POST', '-w', '%{http_code} %header{location}\\n'],
    blobs.map(() => ({ url: start })),
    { parallel, scratch, name: 'post' },
  );
  const locations = sessions.lines.map((line) => {
    const [status, location] = line.split(' ');
    if (status !== '202' || !location) throw new Error(`curl POST ${start}: ${line}`);
    return new URL(location, start);
  });
  const puts = await curlBatch(
    [
      '-H',
      'Content-Type: application/octet-stream',
      // curl would wait for "100 Continue" before bodies over 1 MiB; undici does not.
      '-H',
      'Expect:',
      '-w',
      '%{http_code}\\n',
    ],
    blobs.map((blob, i) => {
      const url = locations[i];
      url.searchParams.set('digest', blob.digest);
      return { url: url.href, upload: blob.path };
    }),
    { parallel, scratch, name: 'put' },
  );
  expectStatus(puts.lines, '201', 'PUT');
  return sequence(sessions, puts);
}

/** Downloads `blobs` from `repository` into `outDir/<index>`. */
export async function curlPull(registry, repository, blobs, { outDir, parallel, scratch }) {
  const gets = await curlBatch(
    ['-w', '%{http_code}\\n'],
    blobs.map((blob, i) => ({
      url: `${registry.url}/v2/${repository}/blobs/${blob.digest}`,
      output: join(outDir, String(i)),
    })),
    { parallel, scratch, name: 'get' },
  );
  expectStatus(gets.lines, '200', 'GET');
  return { seconds: gets.seconds, peakKiB: gets.peakKiB, cpuSeconds: gets.cpuSeconds };
}

/** One curl process for many transfers, listed in a config file (curl's `-K`). */
async function curlBatch(args, transfers, { parallel, scratch, name }) {
  const quote = (text) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const config = transfers
    .map(({ url, upload, output }) =>
      [
        `url = ${quote(url)}`,
        upload ? `upload-file = ${quote(upload)}` : '',
        `output = ${quote(output ?? '/dev/null')}`,
      ]
        .filter(Boolean)
        .join('\n'),
    )
    .join('\n');
  const configFile = join(scratch, `curl-${name}.conf`);
  await writeFile(configFile, `${config}\n`);
  const batch =
    parallel > 1 && transfers.length > 1 ? ['--parallel', '--parallel-max', String(parallel)] : [];
  const run = await measure('curl', [...COMMON, ...batch, ...args, '-K', configFile], { scratch });
  return { ...run, lines: run.stdout.split('\n').filter(Boolean) };
}

function expectStatus(lines, status, method) {
  const bad = lines.filter((line) => line !== status);
  if (bad.length > 0) throw new Error(`curl ${method}: ${bad.length} answers other than ${status}`);
}

/**
 * `openssl dgst -sha256` over the blobs' files, checked against their digests: the hashing a
 * client must do before a push (to learn the digest) or after a pull (to trust the bytes).
 * openssl, not sha256sum: coreutils' sha256sum does not use the CPU's SHA extensions and hashes
 * at a third of the speed.
 */
export async function sha256Files(blobs, paths, { scratch }) {
  const run = await measure('openssl', ['dgst', '-sha256', '-r', ...paths], { scratch });
  const digests = run.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => `sha256:${line.slice(0, 64)}`);
  if (digests.some((digest, i) => digest !== blobs[i].digest)) {
    throw new Error(`openssl dgst: digests differ from the expected ones`);
  }
  return run;
}

/** Two runs one after the other, as one sample. */
export function sequence(first, second) {
  return {
    seconds: first.seconds + second.seconds,
    peakKiB: Math.max(first.peakKiB, second.peakKiB),
    cpuSeconds: first.cpuSeconds + second.cpuSeconds,
  };
}
