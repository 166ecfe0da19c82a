// References: `[host[:port]/]repository[:tag][@digest]`, per the distribution reference grammar.
// https://github.com/distribution/reference/blob/main/reference.go
import { parseDigest, type Digest } from './digest.js';
import { OciError } from './errors.js';

export interface Reference {
  /** host[:port] as written (IPv6 in brackets); `docker.io` for Docker Hub. */
  readonly registry: string;
  /** The repository path, e.g. `org/app`; `library/x` for one-component Docker Hub names. */
  readonly repository: string;
  readonly tag?: string;
  /** Wins over the tag when both are given. */
  readonly digest?: Digest;
}

export const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const PORT = /^[0-9]+$/;
const IPV6 = /^\[[a-fA-F0-9:.]+(?:%[a-zA-Z0-9]+)?\]$/;
const MAX_NAME_LENGTH = 255;

function invalid(value: string, why: string): OciError {
  return new OciError('INVALID_REFERENCE', `invalid reference "${value}": ${why}`);
}

/** host, host:port, IPv4, or [IPv6] with an optional port. */
export function isValidRegistry(host: string): boolean {
  let name = host;
  let port: string | undefined;
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0) return false;
    name = host.slice(0, end + 1);
    const rest = host.slice(end + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return false;
      port = rest.slice(1);
    }
    if (!IPV6.test(name)) return false;
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0) {
      name = host.slice(0, colon);
      port = host.slice(colon + 1);
    }
    if (name === '' || !name.split('.').every((c) => DOMAIN_COMPONENT.test(c))) return false;
  }
  return port === undefined || (PORT.test(port) && Number(port) <= 65535);
}

/** Whether the first path component names a registry rather than a repository. */
function looksLikeRegistry(component: string): boolean {
  return (
    component.includes('.') ||
    component.includes(':') ||
    component.startsWith('[') ||
    component === 'localhost' ||
    component !== component.toLowerCase()
  );
}

export interface ParseOptions {
  /** Used when the reference names no registry; Docker Hub when unset. */
  defaultRegistry?: string;
}

export function parseReference(value: string, options: ParseOptions = {}): Reference {
  if (value === '') throw invalid(value, 'it is empty');
  if (/\s/.test(value)) throw invalid(value, 'it contains whitespace');

  let rest = value;
  let digest: Digest | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const digestPart = rest.slice(at + 1);
    try {
      digest = parseDigest(digestPart);
    } catch (error) {
      // parseDigest says `… "<digest>": <what was expected>`; keep the expectation only (the
      // digest itself may contain ':' so split at the quote).
      const message = (error as Error).message;
      const expected = message.slice(message.lastIndexOf('": ') + 3);
      throw invalid(value, `the digest "${digestPart}" is not valid: ${expected}`);
    }
    rest = rest.slice(0, at);
  }

  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/') && lastColon > rest.lastIndexOf(']')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) {
      throw invalid(
        value,
        `the tag "${tag}" must be 1-128 characters of letters, digits, '_', '.' and '-', not starting with '.' or '-'`,
      );
    }
  }

  let registry: string | undefined;
  let repository = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0 && looksLikeRegistry(rest.slice(0, slash))) {
    registry = rest.slice(0, slash);
    repository = rest.slice(slash + 1);
    if (!isValidRegistry(registry)) {
      throw invalid(value, `the registry "${registry}" is not a valid host[:port]`);
    }
  }
  registry ??= options.defaultRegistry ?? DOCKER_HUB;

  if (repository === '') throw invalid(value, 'the repository name is empty');
  for (const component of repository.split('/')) {
    if (!PATH_COMPONENT.test(component)) {
      throw invalid(
        value,
        `the repository path component "${component}" must be lowercase letters and digits, separated by '.', '_', '__' or '-'`,
      );
    }
  }

  if (DOCKER_HUB_ALIASES.has(registry)) {
    registry = DOCKER_HUB;
    if (!repository.includes('/')) repository = `library/${repository}`;
  }
  if (registry.length + 1 + repository.length > MAX_NAME_LENGTH) {
    throw invalid(value, `the name is longer than ${MAX_NAME_LENGTH} characters`);
  }

  return {
    registry,
    repository,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
}

/** `host/repo[:tag][@digest]`. */
export function formatReference(ref: Reference): string {
  let out = `${ref.registry}/${ref.repository}`;
  if (ref.tag !== undefined) out += `:${ref.tag}`;
  if (ref.digest !== undefined) out += `@${ref.digest}`;
  return out;
}

/** The host the HTTP API lives on. */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? 'registry-1.docker.io' : registry;
}

export const isValidTag = (tag: string): boolean => TAG.test(tag);

/** The tag or digest to ask the registry for, digest first. */
export function referenceSelector(ref: Reference): string | undefined {
  return ref.digest ?? ref.tag;
}
