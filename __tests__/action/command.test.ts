import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAction, type ActionRun } from '../support/run-action.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('dist/index.js command dispatch', () => {
  const runs: ActionRun[] = [];
  afterAll(async () => Promise.all(runs.map((r) => r.cleanup())));

  it('fails with exit code 1 and lists the commands when command is missing', async () => {
    const run = await runAction({ command: '' });
    runs.push(run);
    expect(run.exitCode).toBe(1);
    expect(run.errors).toEqual([
      'Input "command": nothing was given; expected one of push, pull, repo-ls, repo-tags, resolve, tag, copy, attach, discover, delete, index',
    ]);
  });

  it('fails with exit code 1 and names the unknown command', async () => {
    const run = await runAction({ command: 'upload' });
    runs.push(run);
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toContain('Input "command": got "upload"; expected one of push, pull');
  });

  it('declares node24 in action.yml and ships an ESM bundle', () => {
    expect(readFileSync(join(ROOT, 'action.yml'), 'utf8')).toMatch(/using: node24/);
    expect(JSON.parse(readFileSync(join(ROOT, 'dist', 'package.json'), 'utf8'))).toEqual({
      type: 'module',
    });
  });
});
