// A login pasted into the wrong input, as a URL carries it (`https://alice:s3cret@ghcr.io`): the
// error that refuses the input must not print the password back (the runner masks only secrets
// it was told about).
import { redactUserinfo } from '../../src/action/input-error.js';
import { runAction, type ActionRun } from '../support/run-action.js';

const PASSWORD = 'Pasted-Pa55-4b7e';

describe('credentials in a registry or reference input (bundled action)', () => {
  const runs: ActionRun[] = [];
  afterAll(async () => Promise.all(runs.map((r) => r.cleanup())));

  it.each([
    [{ registry: `https://alice:${PASSWORD}@ghcr.io`, reference: 'team/app:v1' }, 'registry'],
    [{ registry: `alice:${PASSWORD}@localhost:5000`, reference: 'team/app:v1' }, 'registry'],
    [{ reference: `alice:${PASSWORD}@localhost:5000/team/app:v1` }, 'reference'],
    [{ reference: `https://alice:${PASSWORD}@ghcr.io/team/app:v1` }, 'reference'],
    [{ reference: `alice:${PASSWORD}@ghcr.io` }, 'reference'],
    [{ layout: 'out', registry: `alice:${PASSWORD}@ghcr.io`, reference: 'v1' }, 'layout'],
  ])('refuses %j naming the input, without the password', async (inputs, input) => {
    const run = await runAction({ command: 'resolve', ...inputs });
    runs.push(run);
    expect(run.exitCode).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(new RegExp(`^Input "${input}": got "`));
    expect(run.errors[0]).toContain('***@');
    expect(`${run.stdout}\n${run.stderr}`).not.toContain(PASSWORD);
  });
});

describe('redactUserinfo', () => {
  it('hides user:password@ wherever it stands, and keeps the host', () => {
    expect(redactUserinfo('got "https://a:b@ghcr.io/x" and "c:d@localhost:5000"')).toBe(
      'got "https://***@ghcr.io/x" and "***@localhost:5000"',
    );
  });

  it('keeps a tag followed by a digest, and text without credentials', () => {
    for (const text of [
      `app:v1@sha256:${'a'.repeat(64)}`,
      'app:v1@sha256:typo',
      'ghcr.io/team/app@sha512:abc',
      'localhost:5000/team/app:v1',
      'a.txt:text/plain',
      'expected repo[:tag][@digest], or host[:port]/repo[:tag][@digest]',
    ]) {
      expect(redactUserinfo(text)).toBe(text);
    }
  });
});
