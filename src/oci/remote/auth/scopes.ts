// Token scopes: `repository:<name>:<actions>`, `registry:catalog:*`.
// https://distribution.github.io/distribution/spec/auth/scope/

export const pullScope = (repository: string): string => `repository:${repository}:pull`;
export const pushScope = (repository: string): string => `repository:${repository}:pull,push`;
export const deleteScope = (repository: string): string => `repository:${repository}:delete`;
export const CATALOG_SCOPE = 'registry:catalog:*';

interface Scope {
  resource: string;
  actions: Set<string>;
}

function parseScope(scope: string): Scope {
  const last = scope.lastIndexOf(':');
  return {
    resource: scope.slice(0, last),
    actions: new Set(
      scope
        .slice(last + 1)
        .split(',')
        .filter((a) => a !== ''),
    ),
  };
}

/** Merges actions on the same resource and sorts, so equal needs give equal strings. */
export function normalizeScopes(scopes: readonly string[]): string[] {
  const merged = new Map<string, Set<string>>();
  for (const scope of scopes) {
    const { resource, actions } = parseScope(scope);
    const set = merged.get(resource) ?? new Set<string>();
    for (const action of actions) set.add(action);
    merged.set(resource, set);
  }
  return [...merged]
    .map(([resource, actions]) => `${resource}:${[...actions].sort().join(',')}`)
    .sort();
}

/** Whether a token granted for `held` may be used for `wanted` (both normalized). */
export function covers(held: readonly string[], wanted: readonly string[]): boolean {
  const granted = new Map(held.map((s) => [parseScope(s).resource, parseScope(s).actions]));
  return wanted.every((scope) => {
    const { resource, actions } = parseScope(scope);
    const have = granted.get(resource);
    return have !== undefined && [...actions].every((a) => have.has(a) || have.has('*'));
  });
}
