// A registry that refuses OCI 1.1 artifact manifests as some Amazon ECR set-ups do (emulated by
// the fault proxy in front of a real registry, refusing every manifest that carries
// `artifactType`): push falls back to the OCI 1.0 form by itself unless the workflow chose
// image-spec, the outputs describe what is stored, and attach says why it cannot fall back.
import type { FaultRule } from '../support/fault-proxy.js';
import {
  parseManifest,
  skopeoRaw,
  skopeoTags,
  sha256,
  succeeded,
  useFaultProxy,
  useTestBed,
} from './push-support.js';

/** What ECR answers (oras#1133, aws/containers-roadmap#2783). */
const ECR_ANSWER = JSON.stringify({
  errors: [
    {
      code: 'UNSUPPORTED',
      message:
        "Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'",
    },
  ],
});

const refuseArtifactType = (
  status: number,
  body: string,
  contentType = 'application/json',
): FaultRule => ({
  method: 'PUT',
  path: /\/manifests\//,
  fault: {
    kind: 'refuse-body',
    when: (manifest) => manifest.includes('"artifactType"'),
    status,
    headers: { 'content-type': contentType },
    body,
  },
});

describe('push to a registry that refuses OCI 1.1 artifact manifests', () => {
  const bed = useTestBed({ registry: {}, tree: { 'dist/app.js': 'app\n', 'report.json': '{}\n' } });
  const proxied = useFaultProxy(bed);
  afterEach(() => proxied.proxy.setRules([]));

  const push = (inputs: Record<string, string>) =>
    bed.run({
      command: 'push',
      registry: proxied.proxy.host,
      'plain-http': 'true',
      'artifact-type': 'application/vnd.example.build.v1',
      files: 'dist\nreport.json',
      ...inputs,
    });

  it('pushes the OCI 1.0 form with a warning, and outputs the manifest stored', async () => {
    proxied.proxy.setRules([refuseArtifactType(405, ECR_ANSWER)]);
    const run = succeeded(await push({ reference: 'ecr/app:v1', tags: 'latest' }));
    expect(run.stdout).toMatch(
      /::warning::127\.0\.0\.1:\d+\/ecr\/app refused the OCI 1\.1 manifest \(HTTP 405: UNSUPPORTED: Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'\), as Amazon ECR does with manifests that carry artifactType; pushing the OCI 1\.0 form instead/,
    );
    // Read from the registry itself, past the proxy, by an independent client.
    const stored = await skopeoRaw(`${bed.registry.host}/ecr/app:v1`);
    const manifest = parseManifest(stored);
    expect(manifest.artifactType).toBeUndefined();
    expect(manifest.config.mediaType).toBe('application/vnd.example.build.v1');
    expect(manifest.layers.map((l) => l.annotations?.['org.opencontainers.image.title'])).toEqual([
      'dist',
      'report.json',
    ]);
    expect(run.outputs['digest']).toBe(sha256(stored));
    expect(run.outputs['manifest']).toBe(stored.toString());
    expect(run.outputs['artifact-type']).toBe('application/vnd.example.build.v1');
    expect(run.outputs['reference']).toBe(`${proxied.proxy.host}/ecr/app@${sha256(stored)}`);
    expect(await skopeoTags(`${bed.registry.host}/ecr/app`)).toEqual(['latest', 'v1']);
    expect(sha256(await skopeoRaw(`${bed.registry.host}/ecr/app:latest`))).toBe(sha256(stored));
    // One refused PUT of the 1.1 form, then the 1.0 form; the extra tag as 1.0 too.
    const puts = proxied.proxy.requests.filter(
      (r) => r.method === 'PUT' && r.path.includes('/manifests/'),
    );
    expect(puts.map((r) => r.status)).toEqual([405, 201, 201]);
  });

  it('falls back on a 400 without an error code that says "Invalid JSON syntax"', async () => {
    proxied.proxy.setRules([
      refuseArtifactType(
        400,
        "Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'",
        'text/plain',
      ),
    ]);
    const run = succeeded(await push({ reference: 'ecr/plain:v1' }));
    expect(run.stdout).toContain('pushing the OCI 1.0 form instead');
    expect(parseManifest(await skopeoRaw(`${bed.registry.host}/ecr/plain:v1`)).artifactType).toBe(
      undefined,
    );
  });

  it('does not fall back on another 400, whatever its words', async () => {
    const body = JSON.stringify({
      errors: [{ code: 'MANIFEST_INVALID', message: 'Invalid JSON syntax' }],
    });
    proxied.proxy.setRules([refuseArtifactType(400, body)]);
    const run = await push({ reference: 'ecr/invalid:v1' });
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toContain('MANIFEST_INVALID: Invalid JSON syntax');
    expect(run.stdout).not.toContain('OCI 1.0 form');
  });

  it('fails when the workflow chose image-spec v1.1, saying how to let it fall back', async () => {
    proxied.proxy.setRules([refuseArtifactType(405, ECR_ANSWER)]);
    const run = await push({ reference: 'ecr/chosen:v1', 'image-spec': 'v1.1' });
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toMatch(
      /failed \(HTTP 405\): UNSUPPORTED: .*this registry refuses OCI 1\.1 manifests with artifactType, as some Amazon ECR set-ups do; leave image-spec empty to let push fall back to the OCI 1\.0 form by itself, or set image-spec: v1\.0$/,
    );
    await expect(skopeoTags(`${bed.registry.host}/ecr/chosen`)).rejects.toThrow();
  });

  it('pushes image-spec v1.0 at once when the workflow chose it', async () => {
    proxied.proxy.setRules([refuseArtifactType(405, ECR_ANSWER)]);
    const run = succeeded(await push({ reference: 'ecr/old:v1', 'image-spec': 'v1.0' }));
    expect(run.stdout).not.toContain('::warning::');
    const puts = proxied.proxy.requests.filter(
      (r) => r.method === 'PUT' && r.path.includes('/ecr/old/manifests/'),
    );
    expect(puts.map((r) => r.status)).toEqual([201]);
  });

  it('cannot fall back for an attach, and says why', async () => {
    succeeded(await push({ reference: 'ecr/subject:v1' }));
    proxied.proxy.setRules([refuseArtifactType(405, ECR_ANSWER)]);
    const run = await bed.run({
      command: 'attach',
      registry: proxied.proxy.host,
      'plain-http': 'true',
      reference: 'ecr/subject:v1',
      'artifact-type': 'application/spdx+json',
      files: 'report.json',
    });
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toMatch(
      /this registry refuses OCI 1\.1 manifests with artifactType, as some Amazon ECR set-ups do; an attached artifact needs the subject field of OCI 1\.1, which the OCI 1\.0 form lacks$/,
    );
  });
});
