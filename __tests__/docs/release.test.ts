// The release workflow's own pieces: the notes it publishes, and the permissions it holds.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPOSITORY_ROOT } from './action-metadata.js';
import { readRepositoryFile } from './doc-files.js';

const SCRIPT = join(REPOSITORY_ROOT, '.github', 'scripts', 'release-notes.mjs');

function releaseNotes(tag: string, changelog?: string) {
  const folder = mkdtempSync(join(tmpdir(), 'release-notes-'));
  try {
    const path = join(folder, 'CHANGELOG.md');
    writeFileSync(path, changelog ?? readRepositoryFile('CHANGELOG.md'));
    const run = spawnSync(process.execPath, [SCRIPT, tag, path], { encoding: 'utf8' });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const CHANGELOG = [
  '# Changelog',
  '',
  '## [Unreleased]',
  '',
  '## [1.1.0] - 2027-01-02',
  '',
  '### Added',
  '',
  '- `timeout` input.',
  '',
  '## [1.0.0] - 2026-12-01',
  '',
  'The first release.',
  '',
  '## [0.9.0]',
  '',
].join('\n');

describe('release notes', () => {
  it("are the version's section, without its heading, up to the next section", () => {
    expect(releaseNotes('v1.1.0', CHANGELOG)).toEqual({
      status: 0,
      stdout: '### Added\n\n- `timeout` input.\n',
      stderr: '',
    });
    expect(releaseNotes('v1.0.0', CHANGELOG).stdout).toBe('The first release.\n');
  });

  it('exist in CHANGELOG.md for 1.0.0, the first release', () => {
    const notes = releaseNotes('v1.0.0');
    expect(notes.status).toBe(0);
    expect(notes.stdout).toContain('### Added');
    expect(notes.stdout).not.toContain('## [');
  });

  it('fail the release when the version has no section, an empty one, or is not X.Y.Z', () => {
    const missing = releaseNotes('v2.0.0', CHANGELOG);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('has no section "## [2.0.0]"');
    const empty = releaseNotes('v0.9.0', CHANGELOG);
    expect(empty.status).toBe(1);
    expect(empty.stderr).toContain('"## [0.9.0]" of');
    const prefix = releaseNotes('v1.1', CHANGELOG);
    expect(prefix.status).toBe(1);
    expect(prefix.stderr).toContain('expected a release tag vX.Y.Z');
  });
});

describe('release workflow', () => {
  const workflow = parse(readRepositoryFile('.github/workflows/release.yml')) as {
    on: { push: { tags: string[] } };
    permissions: Record<string, string>;
    jobs: Record<string, { permissions?: Record<string, string>; needs?: string }>;
  };

  it('runs on vX.Y.Z tags only', () => {
    expect(workflow.on).toEqual({ push: { tags: ['v[0-9]+.[0-9]+.[0-9]+'] } });
  });

  it('grants nothing by default and write access only to the job that publishes, after the checks', () => {
    expect(workflow.permissions).toEqual({});
    const writers = Object.entries(workflow.jobs).filter(([, job]) =>
      Object.values(job.permissions ?? {}).includes('write'),
    );
    expect(writers.map(([name]) => name)).toEqual(['release']);
    expect(workflow.jobs['release']?.permissions).toEqual({ contents: 'write' });
    expect(workflow.jobs['release']?.needs).toBe('check');
    for (const [name, job] of Object.entries(workflow.jobs)) {
      expect([name, job.permissions]).not.toEqual([name, undefined]);
    }
  });
});
