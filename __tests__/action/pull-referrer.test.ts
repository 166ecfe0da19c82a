// A referrer by type: `subject` + `artifact-type` on pull, through the bundled action against
// the real registry (which has no referrers API: the client keeps the sha256-<hex> tag index).
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { artifact, platformArtifact, indexOf } from '../oci/content.js';
import { attachTo, seed, useRegistries } from './registry-support.js';

const SBOM = 'application/spdx+json';
const CREATED = 'org.opencontainers.image.created';

describe('pull a referrer by type (bundled action, real registry)', () => {
  const fx = useRegistries();
  let workspaces = 0;
  const pull = async (inputs: Record<string, string>) => {
    const workspace = join(fx.temp, `ws-${++workspaces}`);
    await mkdir(workspace, { recursive: true });
    return fx.act(
      { command: 'pull', registry: fx.registry.host, path: 'out', ...inputs },
      { workspace },
    );
  };

  it('pulls the newest referrer of the type, and says which one it chose', async () => {
    const image = await seed(fx.registry, 'team/app', artifact({ 'app.bin': 'the app' }), 'v1');
    const older = await attachTo(fx.registry, 'team/app', image, SBOM, {
      [CREATED]: '2026-01-01T00:00:00Z',
    });
    const newest = await attachTo(fx.registry, 'team/app', image, SBOM, {
      [CREATED]: '2026-03-01T00:00:00Z',
    });
    await attachTo(fx.registry, 'team/app', image, SBOM, { [CREATED]: '2026-02-01T00:00:00Z' });
    // Newer still, but of another type.
    await attachTo(
      fx.registry,
      'team/app',
      image,
      'application/vnd.dev.sigstore.bundle.v0.3+json',
      {
        [CREATED]: '2026-12-01T00:00:00Z',
      },
    );
    expect(older.root.descriptor.digest).not.toBe(newest.root.descriptor.digest);

    const run = await pull({ subject: 'team/app:v1', 'artifact-type': SBOM });
    expect(run.exitCode).toBe(0);
    const chosen = newest.root.descriptor.digest;
    expect(run.outputs['digest']).toBe(chosen);
    expect(run.outputs['reference']).toBe(`${fx.registry.host}/team/app@${chosen}`);
    expect(run.outputs['artifact-type']).toBe(SBOM);
    expect(await readdir(join(run.workspace, 'out'))).toEqual(['application-spdx-json.txt']);
    expect(run.stdout).toContain(
      `::group::Find the referrer of ${fx.registry.host}/team/app:v1 of type ${SBOM}`,
    );
    expect(run.stdout).toContain(
      `3 referrer(s) of type ${SBOM}; chose ${chosen}, the newest (created "2026-03-01T00:00:00Z")`,
    );
    // A short heading; the full subject is in the facts below it.
    expect(run.summary).toContain('### Referrer of <code>app:v1</code>\n');
    expect(run.summary).toContain(
      `- **Subject:** <code>${fx.registry.host}/team/app@${image.root.descriptor.digest}</code>`,
    );
    expect(run.summary).toContain(
      `- **Chosen:** <code>${chosen}</code>, the newest (created <code>2026-03-01T00:00:00Z</code>)`,
    );
    expect(JSON.parse(run.outputs['pulled']!)).toEqual([
      expect.objectContaining({
        digest: chosen,
        reference: `${fx.registry.host}/team/app@${chosen}`,
      }),
    ]);
  });

  it('takes the last listed when none has a creation time', async () => {
    const image = await seed(fx.registry, 'team/undated', artifact({ a: 'a' }), 'v1');
    await attachTo(fx.registry, 'team/undated', image, SBOM, { 'org.example.run': '1' });
    const last = await attachTo(fx.registry, 'team/undated', image, SBOM, {
      'org.example.run': '2',
    });
    const run = await pull({
      subject: `team/undated@${image.root.descriptor.digest}`,
      'artifact-type': SBOM,
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['digest']).toBe(last.root.descriptor.digest);
    expect(run.stdout).toContain('the last listed (none has a creation time)');
  });

  it("with platform, takes the referrer of that platform's manifest of an index", async () => {
    const linux = platformArtifact({ tool: 'linux' }, { os: 'linux', architecture: 'amd64' });
    const arm = platformArtifact({ tool: 'arm' }, { os: 'linux', architecture: 'arm64' });
    await seed(fx.registry, 'team/multi', linux);
    await seed(fx.registry, 'team/multi', arm);
    // The index alone: its manifests are in the repository already.
    const both = indexOf([linux, arm]);
    const index = await seed(
      fx.registry,
      'team/multi',
      { ...both, blobs: [], manifests: [both.root] },
      'v1',
    );
    expect(index.root.descriptor.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    const sbom = await attachTo(fx.registry, 'team/multi', arm, SBOM, {
      [CREATED]: '2026-01-01T00:00:00Z',
    });
    const run = await pull({
      subject: 'team/multi:v1',
      'artifact-type': SBOM,
      platform: 'linux/arm64',
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['digest']).toBe(sbom.root.descriptor.digest);
    expect(await readFile(join(run.workspace, 'out', 'application-spdx-json.txt'), 'utf8')).toBe(
      `for ${arm.root.descriptor.digest}`,
    );
    // The index itself has no SBOM.
    const none = await pull({ subject: 'team/multi:v1', 'artifact-type': SBOM });
    expect(none.errors[0]).toMatch(
      /^127\.0\.0\.1:\d+\/team\/multi@sha256:\w+ has no referrer of type application\/spdx\+json/,
    );
  });

  it('refuses a subject with reference, without artifact-type, or without tag or digest', async () => {
    expect(
      (await pull({ subject: 'team/app:v1', reference: 'team/app:v1', 'artifact-type': SBOM }))
        .errors[0],
    ).toMatch(/^Input "reference": got "team\/app:v1"; expected nothing when "subject" is given/);
    expect((await pull({ subject: 'team/app:v1' })).errors[0]).toBe(
      'Input "artifact-type": nothing was given; expected the type of the referrer to pull, such as application/spdx+json (pull with "subject" needs one)',
    );
    expect((await pull({ subject: 'team/app', 'artifact-type': SBOM })).errors[0]).toBe(
      'Input "subject": got "team/app"; expected repo:tag or repo@sha256:<hex>: the manifest whose referrer to pull',
    );
    expect((await pull({ subject: 'Team/App:v1', 'artifact-type': SBOM })).errors[0]).toMatch(
      /^Input "subject": got "Team\/App:v1"/,
    );
  });

  it('warns that artifact-type does nothing on a pull without subject', async () => {
    await seed(fx.registry, 'team/plain', artifact({ 'a.txt': 'a' }), 'v1');
    const run = await pull({ reference: 'team/plain:v1', 'artifact-type': SBOM });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(
      '::warning::Input "artifact-type" is not used by pull without "subject"; did you mean "media-types" (pull only layers of these types)?',
    );
    expect(await readdir(join(run.workspace, 'out'))).toEqual(['a.txt']);
  });
});
