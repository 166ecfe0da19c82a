// Inputs shared by every command: where the content lives, credentials and transport.
import { isValidRegistry, parseReference, type Reference } from '../../oci/reference.js';
import { OciError } from '../../oci/errors.js';
import type { Credentials, RemoteOptions } from '../../oci/remote/options.js';
import type { LayoutTargetSpec, RemoteTargetSpec, TargetSpec } from '../../commands/target-spec.js';
import { processCancellation } from '../../commands/cancellation.js';
import { InputError } from '../input-error.js';
import { BYTE_SIZE_EXPECTED, parseByteSize } from './byte-size.js';
import { layoutLockOptions } from './layout-lock.js';
import { clientLogger } from '../log.js';
import { readTestKnobs } from '../test-knobs.js';
import type { InputName } from './input-usage.js';
import { readBoolean, readSecret, readString } from './read.js';

const REFERENCE_EXPECTED =
  'repo[:tag][@digest], or host[:port]/repo[:tag][@digest] when "registry" is empty';

/** `registry` + `reference` (or a full `reference`) → a parsed reference. */
export function readReference(
  referenceInput: InputName = 'reference',
  registryInput: InputName = 'registry',
  reference = readString(referenceInput),
): Reference {
  const registry = readString(registryInput);
  if (registry !== '' && !isValidRegistry(registry)) {
    throw new InputError(
      registryInput,
      registry,
      'a registry host[:port], such as ghcr.io or localhost:5000',
    );
  }
  if (reference === '') throw new InputError(referenceInput, '', REFERENCE_EXPECTED);
  try {
    if (registry === '') return parseReference(reference);
    const parsed = parseReference(reference, { defaultRegistry: registry });
    // "my.org/app" under registry "localhost:5000" is a repository path, not a second host.
    return parsed.registry === registry ? parsed : parseReference(`${registry}/${reference}`);
  } catch (error) {
    if (error instanceof OciError) {
      throw new InputError(referenceInput, reference, `${REFERENCE_EXPECTED} (${error.message})`);
    }
    throw error;
  }
}

export function readCredentials(
  usernameInput: InputName = 'username',
  passwordInput: InputName = 'password',
): Credentials | undefined {
  const password = readSecret(passwordInput);
  const username = readString(usernameInput);
  if (username === '' && password === '') return undefined;
  if (password === '')
    throw new InputError(passwordInput, '', `a password or token, since "${usernameInput}" is set`);
  if (username === '') {
    throw new InputError(usernameInput, '', `a user name, since "${passwordInput}" is set`);
  }
  return { kind: 'basic', username, password };
}

/**
 * The container registry of the GitHub the workflow runs on (`GITHUB_SERVER_URL`), as GitHub
 * documents it: `ghcr.io` for github.com (and when unset, outside a runner), `containers.<host>`
 * for GitHub Enterprise Server and for GHE.com (`containers.<subdomain>.ghe.com`). Undefined for
 * a server URL that is not one.
 */
export function githubContainerRegistry(serverUrl: string | undefined): string | undefined {
  if (serverUrl === undefined || serverUrl === '') return 'ghcr.io';
  let host: string;
  try {
    host = new URL(serverUrl).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  if (host === '') return undefined;
  return host === 'github.com' ? 'ghcr.io' : `containers.${host}`;
}

/** Transport and credential options for the registry named by the inputs. */
export function readRemoteOptions(credentialInputs?: {
  username: InputName;
  password: InputName;
}): RemoteOptions {
  const githubToken = readSecret('github-token');
  const usernameInput = credentialInputs?.username ?? 'username';
  const passwordInput = credentialInputs?.password ?? 'password';
  const credentials = readCredentials(usernameInput, passwordInput);
  const caFile = readString('ca-file');
  // The workflow's token is good for its own GitHub's registry only: never sent anywhere else.
  const tokenRegistry = githubContainerRegistry(process.env['GITHUB_SERVER_URL']);
  const options: RemoteOptions = {
    plainHttp: readBoolean('plain-http', false),
    insecure: readBoolean('insecure', false),
    userAgent: 'oci-artifact-action',
    // The client's own reports (credential source, fallbacks, registry warnings, retries).
    logger: clientLogger,
    credentialsSource: `the "${usernameInput}" and "${passwordInput}" inputs`,
    fallbackSource: 'the "github-token" input, as GITHUB_ACTOR',
    signal: processCancellation.signal,
    ...readTestKnobs(),
    fallbackCredentials: (registry) =>
      registry.toLowerCase() === tokenRegistry && githubToken !== ''
        ? {
            kind: 'basic',
            username: process.env['GITHUB_ACTOR'] || 'github-actions',
            password: githubToken,
          }
        : undefined,
  };
  if (credentials) options.credentials = credentials;
  if (caFile !== '') options.caFile = caFile;
  return options;
}

const MIN_CHUNK = 1024;
/** A chunk is held in memory while it is sent: concurrency × chunk-size at most. */
const MAX_CHUNK = 1024 ** 3;

/**
 * `chunk-size`: upload blobs to a registry in chunks of this many bytes; undefined (empty) for
 * one request per blob. For the commands that upload (push, attach, copy).
 */
export function readChunkSize(): number | undefined {
  const value = readString('chunk-size');
  if (value === '') return undefined;
  const bytes = parseByteSize(value);
  if (bytes === undefined || bytes < MIN_CHUNK || bytes > MAX_CHUNK) {
    throw new InputError(
      'chunk-size',
      value,
      `${BYTE_SIZE_EXPECTED}, from 1KiB to 1GiB; empty to upload each blob in one request`,
    );
  }
  return bytes;
}

/** A registry target uploads in chunks when `chunk-size` says so. */
export function withChunkSize<T extends TargetSpec>(spec: T): T {
  const chunkSize = readChunkSize();
  if (spec.kind === 'remote' && chunkSize !== undefined) spec.options.chunkSize = chunkSize;
  return spec;
}

/**
 * `layout` when given, else `registry` + `reference`. `given` is one reference of several (a
 * line of `reference`), and `options` the connection they share.
 */
export function readTargetSpec(given?: string, options?: RemoteOptions): TargetSpec {
  const layout = readString('layout');
  const registry = readString('registry');
  if (layout !== '' && registry !== '') {
    // Quietly preferring one would push to, or pull from, a place the user did not mean.
    throw new InputError(
      'layout',
      layout,
      `either "layout" or "registry", not both (registry is ${JSON.stringify(registry)})`,
    );
  }
  if (layout !== '') return readLayoutSpec(layout, given);
  const spec: RemoteTargetSpec = {
    kind: 'remote',
    reference: readReference('reference', 'registry', given ?? readString('reference')),
    options: options ?? readRemoteOptions(),
  };
  return spec;
}

function readLayoutSpec(path: string, given?: string): LayoutTargetSpec {
  const selector = given ?? readString('reference');
  const spec: LayoutTargetSpec = { kind: 'layout', path, lock: layoutLockOptions() };
  return selector === '' ? spec : { ...spec, selector };
}
