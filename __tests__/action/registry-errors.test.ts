// What every registry command that starts from one manifest says when it is not there: the
// repository does not exist, the tag does not, or the repository holds no tags at all. Nothing is
// tagged, deleted or copied in any case.
import type { Descriptor } from '../../src/oci/descriptor.js';
import { artifact } from '../oci/content.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { repository, seed, useRegistries } from './registry-support.js';

/** The inputs that make `command` start from `reference` in `host`. */
function inputsFor(command: string, host: string, reference: string): Record<string, string> {
  switch (command) {
    case 'copy':
      return { command, source: `${host}/${reference}`, registry: host, reference: 'copy/dest' };
    case 'tag':
      return { command, registry: host, reference, tags: 'promoted' };
    default:
      return { command, registry: host, reference };
  }
}

const COMMANDS = ['resolve', 'tag', 'copy', 'discover', 'delete'];

describe('registry commands on a manifest that is not there (bundled action, real registry)', () => {
  const fx = useRegistries();
  let untagged: Descriptor;
  beforeAll(async () => {
    await seed(fx.registry, 'team/known', artifact({ 'k.txt': 'known' }), 'v1');
    // Pushed by digest only: distribution then answers a tag list with NAME_UNKNOWN.
    const graph = await seed(fx.registry, 'team/untagged', artifact({ 'u.txt': 'untagged' }));
    untagged = graph.root.descriptor;
  });

  describe.each(COMMANDS)('%s', (command) => {
    afterEach(async () => {
      // Nothing tagged, deleted or copied.
      expect(await repository(fx.registry, 'team/known').tags()).toEqual(['v1']);
      expect(await repository(fx.registry, 'team/untagged').exists(untagged)).toBe(true);
      await expect(repository(fx.registry, 'copy/dest').tags()).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });

    it('says the repository does not exist', async () => {
      const host = fx.registry.host;
      expect(await fx.fail(inputsFor(command, host, 'no/such:v1'))).toMatch(
        new RegExp(`^${host}/no/such:v1 not found: the repository ${host}/no/such does not exist:`),
      );
    });

    it('names the tags there are when the tag does not exist', async () => {
      const host = fx.registry.host;
      const result = await fx.act(inputsFor(command, host, 'team/known:nope'));
      expect(result.errors).toEqual([
        `${host}/team/known:nope not found: the repository has no tag "nope" (its tags: v1): ` +
          `fetch manifest ${host}/team/known:nope failed (HTTP 404): MANIFEST_UNKNOWN: manifest unknown`,
      ]);
      expect(result.stdout).toMatch(/^::group::/m);
    });

    it('says the repository has no tags at all when it holds only untagged manifests', async () => {
      const host = fx.registry.host;
      expect(await fx.fail(inputsFor(command, host, 'team/untagged:v1'))).toMatch(
        new RegExp(`^${host}/team/untagged:v1 not found: the repository has no tags at all:`),
      );
    });
  });

  it('says when it cannot tell a missing repository from an untagged one', async () => {
    const proxy = fx.stopAfter(await startFaultProxy(fx.registry.url));
    proxy.setRules([{ path: /^\/v2\/_catalog/, fault: { kind: 'status', status: 401 } }]);
    expect(await fx.fail(inputsFor('resolve', proxy.host, 'team/untagged:v1'))).toMatch(
      new RegExp(
        `^${proxy.host}/team/untagged:v1 not found: the repository ${proxy.host}/team/untagged has no tags, or does not exist \\(the registry answers alike for both\\)`,
      ),
    );
  });
});
