// action.yml as the runner and the Marketplace read it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ActionMetadata {
  name: string;
  description: string;
  inputs: ReadonlySet<string>;
}

export function readActionMetadata(): ActionMetadata {
  const metadata = parse(readFileSync(`${REPOSITORY_ROOT}action.yml`, 'utf8')) as {
    name?: unknown;
    description?: unknown;
    inputs?: Record<string, unknown>;
  };
  return {
    name: String(metadata.name ?? ''),
    description: String(metadata.description ?? ''),
    inputs: new Set(Object.keys(metadata.inputs ?? {})),
  };
}
