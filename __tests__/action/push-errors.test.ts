// Bad input to push: exit code 1, a message that names the input, the value and what is
// expected, and nothing in the registry (not even a started repository) nor in RUNNER_TEMP.
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { catalog, useTestBed } from './push-support.js';

describe('push with bad input', () => {
  const bed = useTestBed({
    registry: {},
    tree: {
      'a.txt': 'a',
      'dist/x.js': 'x',
      'bad.json': '{"$manifest": {"k": 1}}',
      'typo.json': '{"b.txt": {"k": "v"}}',
      'config.json': '{}',
    },
    defaults: (registry) => ({
      command: 'push',
      registry: registry!.host,
      'plain-http': 'true',
      reference: 'bad/input:v1',
      files: 'a.txt\ndist',
    }),
  });
  const runnerTemp = () => join(bed.dir, 'runner-temp');
  beforeAll(async () => {
    await mkdir(runnerTemp());
  });

  it.each<[string, Record<string, string>, string]>([
    [
      'an unknown command',
      { command: 'pushh' },
      'Input "command": got "pushh"; expected one of push, pull',
    ],
    [
      'an invalid reference',
      { reference: 'Bad Repo:tag' },
      'Input "reference": got "Bad Repo:tag"; expected repo[:tag]',
    ],
    [
      'an invalid registry',
      { registry: 'bad host' },
      'Input "registry": got "bad host"; expected a registry host[:port]',
    ],
    [
      'a reference with a digest',
      { reference: `r@sha256:${'a'.repeat(64)}` },
      'Input "reference": got "r@sha256:aaaa',
    ],
    [
      'an invalid extra tag',
      { tags: 'ok\n-bad' },
      'Input "tags": got "-bad"; expected a tag per line (1-128 letters',
    ],
    [
      'a bad artifact type',
      { 'artifact-type': 'not a type' },
      'Input "artifact-type": got "not a type"; expected a media type type/subtype',
    ],
    [
      'a files entry that matches nothing',
      { files: 'a.txt\nnope/*.bin' },
      'Input "files": got "nope/*.bin"; expected an existing file or folder, or a glob that matches at least one file',
    ],
    [
      'a files entry whose media type is not one',
      { files: 'a.txt:text/not valid' },
      '"text/not valid" is not a valid media type, so it was read as part of the path',
    ],
    [
      'a files entry with a space where the media type has its /',
      { files: 'a.txt:text plain' },
      '"text plain" is not a media type, so it was read as part of the path; did you mean "a.txt:text/plain"?',
    ],
    [
      'a path outside working-directory',
      { files: '../x' },
      'Input "files": got "../x"; expected paths inside working-directory',
    ],
    [
      'duplicate titles',
      { files: 'a.txt\n*.txt' },
      'Input "files": got "*.txt"; expected each title once, but "a.txt" also comes from the line "a.txt"',
    ],
    [
      'a missing config file',
      { config: 'missing.json:application/x.c+json', 'artifact-type': 'application/x.a' },
      'Input "config": got "missing.json"; expected path[:media/type] of an existing file',
    ],
    [
      'a config without artifact type (v1.1)',
      { config: 'config.json' },
      'Input "artifact-type": nothing was given; expected an artifact type when "config" is given with image-spec v1.1',
    ],
    [
      'a malformed annotation',
      { annotations: 'ok=1\nno-equals-sign' },
      'Input "annotations": got "no-equals-sign"; expected one key=value per line',
    ],
    [
      'an annotation key with a space',
      { annotations: 'bad key=1' },
      'Input "annotations": got "bad key"; expected key=value per line, the key printable ASCII without spaces',
    ],
    [
      'a repeated annotation',
      { annotations: 'k=1\nk=2' },
      'Input "annotations": got "k=2"; expected each key once',
    ],
    [
      'a malformed annotation file',
      { 'annotation-file': 'bad.json' },
      'Input "annotation-file": got "bad.json"; expected a JSON object',
    ],
    [
      'an annotation file with an unknown title',
      { 'annotation-file': 'typo.json' },
      'no file has the title "b.txt" (titles: "a.txt", "dist")',
    ],
    [
      'a missing annotation file',
      { 'annotation-file': 'none.json' },
      'Input "annotation-file": got "none.json"; expected a readable JSON file',
    ],
    [
      'compression-level 10',
      { 'compression-level': '10' },
      'Input "compression-level": got "10"; expected a whole number from 0 to 9',
    ],
    [
      'concurrency 0',
      { concurrency: '0' },
      'Input "concurrency": got "0"; expected a whole number from 1 to 64',
    ],
    [
      'image-spec v2',
      { 'image-spec': 'v2' },
      'Input "image-spec": got "v2"; expected one of v1.1, v1.0',
    ],
    [
      'if-no-files-found maybe',
      { 'if-no-files-found': 'maybe' },
      'Input "if-no-files-found": got "maybe"; expected one of error, warn, ignore',
    ],
    [
      'reproducible yes',
      { reproducible: 'yes' },
      'Input "reproducible": got "yes"; expected true or false',
    ],
    [
      'a missing working-directory',
      { 'working-directory': 'nowhere' },
      'Input "working-directory": got "nowhere"; expected an existing folder',
    ],
  ])('fails on %s', async (_what, inputs, message) => {
    const run = await bed.run(inputs, { env: { RUNNER_TEMP: runnerTemp() } });
    expect(run.exitCode).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(message);
    expect(await catalog(bed.registry.url)).toEqual([]);
    expect(await readdir(runnerTemp())).toEqual([]);
  });
});
