// A refused delete says what to do, which depends on the registry.
import { deleteRefusedHint } from '../../../src/oci/remote/delete-hint.js';

describe('deleteRefusedHint', () => {
  it('sends ghcr.io users to GitHub: the Packages REST API or the package settings', () => {
    const hint = deleteRefusedHint('ghcr.io');
    expect(hint).toMatch(
      /^ghcr\.io never deletes through the registry API: delete the package version through GitHub/,
    );
    expect(hint).toContain('DELETE /orgs/<org>/packages/container/<package>/versions/<id>');
    expect(hint).toContain("in the package's settings");
    expect(deleteRefusedHint('GHCR.io')).toBe(hint);
  });

  it.each(['docker.io', 'registry-1.docker.io', 'index.docker.io:443'])(
    'sends Docker Hub users (%s) to Docker Hub',
    (registry) => {
      expect(deleteRefusedHint(registry)).toMatch(
        /^Docker Hub never deletes through the registry API: delete the tag on Docker Hub itself/,
      );
    },
  );

  it('keeps the administrator hint for other registries', () => {
    expect(deleteRefusedHint('registry.example.com:5000')).toBe(
      'deletion is disabled on this registry (registry.example.com:5000); an administrator must enable it',
    );
  });
});
