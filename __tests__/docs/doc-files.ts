// The files whose examples and workflows the docs test checks, and how this action is named there.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from './action-metadata.js';

/** README.md and every docs/*.md, as paths relative to the repository root. */
export function documentationFiles(): string[] {
  const docs = readdirSync(join(REPOSITORY_ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

/** Every workflow under .github/workflows, relative to the repository root. */
export function workflowFiles(): string[] {
  return readdirSync(join(REPOSITORY_ROOT, '.github', 'workflows'))
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => `.github/workflows/${name}`);
}

export function readRepositoryFile(path: string): string {
  return readFileSync(join(REPOSITORY_ROOT, path), 'utf8');
}

/** A `uses:` that names this action in a doc, whatever the owner or ref. */
export const NAMES_THIS_ACTION = /(^|\/)oci-artifact-action@/;

/**
 * The documented forms: `OWNER/oci-artifact-action@v1`, or pinned to a full commit SHA (the line
 * then carries the version as a comment, which the test checks on the line itself).
 */
export const DOCUMENTED_USES = /^OWNER\/oci-artifact-action@(v1|[0-9a-f]{40})$/;

/** The action in this repository's own workflows. */
export const IS_LOCAL_ACTION = (uses: string) => uses === './' || uses === '.';
