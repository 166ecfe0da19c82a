// Shared by the push and attach end-to-end tests: independent ways to look at what a push left
// in the registry (skopeo, the plain HTTP API, GNU tar).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { ImageManifest } from '../../src/oci/descriptor.js';

const run = promisify(execFile);

export const sha256 = (bytes: Buffer | string): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** The manifest bytes as skopeo (an independent client) reads them. */
export async function skopeoRaw(image: string): Promise<Buffer> {
  const { stdout } = await run(
    'skopeo',
    ['inspect', '--raw', '--tls-verify=false', `docker://${image}`],
    { encoding: 'buffer' },
  );
  return stdout;
}

export async function skopeoTags(image: string): Promise<string[]> {
  const { stdout } = await run('skopeo', ['list-tags', '--tls-verify=false', `docker://${image}`]);
  return ((JSON.parse(stdout) as { Tags: string[] | null }).Tags ?? []).sort();
}

/** Repositories the registry holds; a failed push must not even have started one. */
export async function catalog(registryUrl: string): Promise<string[]> {
  const response = await fetch(`${registryUrl}/v2/_catalog`);
  return ((await response.json()) as { repositories: string[] }).repositories;
}

export async function fetchBlob(
  registryUrl: string,
  repo: string,
  digest: string,
): Promise<Buffer> {
  const response = await fetch(`${registryUrl}/v2/${repo}/blobs/${digest}`);
  if (!response.ok) throw new Error(`GET blob ${digest}: ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/** `tar -tvz` of a gzipped tar, numeric owners, UTC, one line per entry. */
export async function tarListing(gzipped: Buffer, dir: string): Promise<string[]> {
  const file = join(dir, `listing-${sha256(gzipped).slice(7, 19)}.tar.gz`);
  await writeFile(file, gzipped);
  const { stdout } = await run('tar', ['-tvzf', file, '--numeric-owner', '--full-time'], {
    env: { ...process.env, TZ: 'UTC' },
  });
  return stdout.trim().split('\n');
}

export const parseManifest = (text: string | Buffer): ImageManifest =>
  JSON.parse(text.toString()) as ImageManifest;

/** Writes files (path → content) under `root`, with one mtime for all and modes where given. */
export async function writeTree(
  root: string,
  files: Record<string, string | { content: string; mode: number }>,
  mtime = 1_600_000_000,
): Promise<void> {
  for (const [path, spec] of Object.entries(files)) {
    const full = join(root, path);
    await mkdir(dirname(full), { recursive: true });
    const content = typeof spec === 'string' ? spec : spec.content;
    await writeFile(full, content);
    if (typeof spec !== 'string') await chmod(full, spec.mode);
    await utimes(full, mtime, mtime);
  }
}
