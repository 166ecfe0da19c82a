// runCli in-process, for what needs no registry: help, version, and refused command lines,
// whose one error line is neutralised like every other line of the log.
import { runCli, type CliProcess } from '../../src/cli/main.js';

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CliProcess = {
    argv,
    env,
    stdout: (text) => stdout.push(text),
    stderr: (line) => stderr.push(line),
    readStdin: () => Promise.resolve(''),
    divertStdout: () => undefined,
  };
  const code = await runCli(io);
  return { code, stdout: stdout.join(''), stderr };
}

describe('runCli', () => {
  it('prints help and the version on stdout, with exit code 0', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^oci-artifact \d+\.\d+\.\d+: push files/);
    expect(help.stderr).toEqual([]);
    const version = await cli(['--version']);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('refuses a command line in one neutralised line, as a workflow command inside Actions', async () => {
    const plain = await cli(['pull', '--x\n::warning::forged']);
    expect(plain.code).toBe(1);
    expect(plain.stdout).toBe('');
    expect(plain.stderr).toEqual([
      'Error: Unknown flag --x\\n::warning::forged for pull (oci-artifact pull --help lists its flags)',
    ]);
    const inActions = await cli(['pull', '--bogus'], { GITHUB_ACTIONS: 'true' });
    expect(inActions.stderr).toEqual([
      '::error::Unknown flag --bogus for pull (oci-artifact pull --help lists its flags)',
    ]);
  });
});
