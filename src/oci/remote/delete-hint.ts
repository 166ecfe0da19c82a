// What to do when a registry answers a manifest DELETE with 405 (UNSUPPORTED), which depends on
// the registry: ghcr.io and Docker Hub never delete through the registry API (their packages
// and tags are deleted through GitHub and Docker Hub themselves), while a registry of one's own
// (CNCF distribution) has deletion switched off until an administrator enables it.

const DOCKER_HUB = new Set(['docker.io', 'registry-1.docker.io', 'index.docker.io']);

/** The hint of a refused delete on `registry` (`host[:port]`). */
export function deleteRefusedHint(registry: string): string {
  const host = registry.replace(/:\d+$/, '').toLowerCase();
  if (host === 'ghcr.io') {
    return (
      'ghcr.io never deletes through the registry API: delete the package version through ' +
      'GitHub, with the REST API (DELETE /orgs/<org>/packages/container/<package>/versions/<id>, ' +
      'or /user/packages/… for your own; a workflow token needs packages: write and admin ' +
      "rights on the package) or in the package's settings"
    );
  }
  if (DOCKER_HUB.has(host)) {
    return (
      'Docker Hub never deletes through the registry API: delete the tag on Docker Hub itself ' +
      "(the repository's Tags page, or Docker Hub's API with a personal access token that may " +
      'delete)'
    );
  }
  return `deletion is disabled on this registry (${registry}); an administrator must enable it`;
}
