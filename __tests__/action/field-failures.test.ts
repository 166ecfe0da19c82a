// Failures in the field, through the bundled action as the runner runs it: a registry behind the
// fault proxy that throttles, refuses or lies, and what the one ::error:: line then tells a CI
// engineer (what was being done, on what, and what to change). The test-only knobs shorten the
// clocks so that each case takes a moment.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { failed, pullFixture } from './pull-support.js';

/** Clocks of a few hundred milliseconds, retries without waiting. */
const quick = {
  OCI_ACTION_TEST_CONNECT_MS: '300',
  OCI_ACTION_TEST_ANSWER_MS: '300',
  OCI_ACTION_TEST_STALL_MS: '300',
  OCI_ACTION_TEST_RETRY_BASE_MS: '1',
  OCI_ACTION_TEST_RETRY_MAX_MS: '5',
};

describe('a registry that fails a push', () => {
  const fixture = pullFixture();

  async function push(name: string, inputs: Record<string, string> = {}) {
    const ws = await fixture.tempDir();
    await writeFile(join(ws, 'small.txt'), 'small\n');
    return fixture.run(
      {
        command: 'push',
        registry: fixture.proxy.host,
        'plain-http': 'true',
        reference: `${name}:v1`,
        files: 'small.txt',
        ...inputs,
      },
      { workspace: ws, env: quick },
    );
  }

  it('that throttles every request says so, what it asked for, and what to do', async () => {
    fixture.proxy.setRules([
      {
        method: 'POST',
        fault: { kind: 'status', status: 429, headers: { 'retry-after': '3600' } },
      },
    ]);
    const run = await push('field/throttled');
    expect(failed(run)).toMatch(
      /^push blob 127\.0\.0\.1:\d+\/field\/throttled@sha256:\w+ failed \(HTTP 429\)\. the registry kept answering HTTP 429 \(too many requests\) and asked for a wait of 3600 s \(Retry-After\), longer than the longest wait between attempts \(5 ms\); gave up after 5 attempts\. It is limiting requests from this runner: run the job again later, or lower "concurrency"$/,
    );
  });
});
