// The pure pieces of the protocol: challenge parsing, retry timing, scopes, links, error mapping.
import { RegistryError } from '../../../src/oci/errors.js';
import {
  isLoopbackHost,
  isPrivateHost,
  withholdReason,
} from '../../../src/oci/remote/auth/authorizer.js';
import { parseChallenges, pickChallenge } from '../../../src/oci/remote/auth/challenge.js';
import { covers, normalizeScopes } from '../../../src/oci/remote/auth/scopes.js';
import {
  codeFor,
  hintFor,
  parseErrorBody,
  registryError,
  unreachableHint,
} from '../../../src/oci/remote/errors.js';
import { nextLink } from '../../../src/oci/remote/pagination.js';
import {
  backoffDelay,
  isRetryableStatus,
  parseRetryAfter,
  retryPolicy,
} from '../../../src/oci/remote/retry.js';
import { withQuery } from '../../../src/oci/remote/upload-session.js';

describe('WWW-Authenticate parsing (RFC 7235)', () => {
  it('reads a Bearer challenge with quoted params', () => {
    expect(
      parseChallenges(
        'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.example/token',
          service: 'registry.example',
          scope: 'repository:a/b:pull,push',
        },
      },
    ]);
  });

  it('reads several challenges in one header, token params, odd spacing and case', () => {
    const challenges = parseChallenges(
      'BASIC realm="ecr", service=ecr.amazonaws.com ,  bearer REALM="https://x/t" , error="insufficient_scope"',
    );
    expect(challenges).toEqual([
      { scheme: 'basic', params: { realm: 'ecr', service: 'ecr.amazonaws.com' } },
      { scheme: 'bearer', params: { realm: 'https://x/t', error: 'insufficient_scope' } },
    ]);
    expect(pickChallenge(challenges)?.scheme).toBe('bearer');
  });

  it('reads challenges spread over several headers, escapes, token68 and bare schemes', () => {
    expect(
      parseChallenges(['Negotiate YWJj==', 'Basic realm="say \\"hi\\", please"', 'Digest']),
    ).toEqual([
      { scheme: 'negotiate', params: {}, token68: 'YWJj==' },
      { scheme: 'basic', params: { realm: 'say "hi", please' } },
      { scheme: 'digest', params: {} },
    ]);
    expect(parseChallenges(undefined)).toEqual([]);
    expect(pickChallenge(parseChallenges('Negotiate abc'))).toBeUndefined();
  });
});

describe('retry timing', () => {
  const policy = retryPolicy({ attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 });

  it('retries network-ish statuses but not 501 or 4xx', () => {
    expect([408, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 405, 501].some(isRetryableStatus)).toBe(false);
  });

  it('backs off exponentially with jitter, within the cap', () => {
    expect(backoffDelay(policy, 1, undefined, () => 0)).toBe(50);
    expect(backoffDelay(policy, 1, undefined, () => 1)).toBe(100);
    expect(backoffDelay(policy, 3, undefined, () => 1)).toBe(400);
    expect(backoffDelay(policy, 10, undefined, () => 1)).toBe(1000);
    expect(backoffDelay(policy, 1, 5000)).toBe(1000);
    expect(backoffDelay(policy, 1, 200)).toBe(200);
  });

  it('takes a Retry-After as the least wait, never as a reason to wait less than the backoff', () => {
    // `Retry-After: 0`, or a date already past (the registry's clock behind the runner's).
    expect(backoffDelay(policy, 1, 0, () => 0)).toBe(50);
    expect(backoffDelay(policy, 3, 0, () => 1)).toBe(400);
    expect(backoffDelay(policy, 3, 700, () => 1)).toBe(700);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('fills defaults for unset or non-positive options', () => {
    expect(retryPolicy({})).toEqual({ attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 });
    expect(retryPolicy({ attempts: 0 }).attempts).toBe(5);
  });
});

describe('scopes', () => {
  it('merges actions per resource and sorts', () => {
    expect(
      normalizeScopes([
        'repository:b:push',
        'repository:a:pull',
        'repository:b:pull',
        'registry:catalog:*',
      ]),
    ).toEqual(['registry:catalog:*', 'repository:a:pull', 'repository:b:pull,push']);
  });

  it('lets a pull+push token serve pull, but not the reverse', () => {
    expect(covers(['repository:a:pull,push'], ['repository:a:pull'])).toBe(true);
    expect(covers(['repository:a:pull'], ['repository:a:pull,push'])).toBe(false);
    expect(covers(['repository:a:*'], ['repository:a:delete'])).toBe(true);
    expect(covers(['repository:a:pull'], ['repository:b:pull'])).toBe(false);
  });
});

describe('Link pagination and upload locations', () => {
  it('finds rel="next" among links', () => {
    expect(nextLink('</v2/a/tags/list?last=x&n=2>; rel="next"')).toBe('/v2/a/tags/list?last=x&n=2');
    expect(nextLink('<https://r/p1>; rel="prev", <https://r/p3>; rel=next')).toBe('https://r/p3');
    expect(nextLink('<https://r/p1>; rel="prev"')).toBeUndefined();
    expect(nextLink(undefined)).toBeUndefined();
  });

  it('adds the digest to a Location without rebuilding its query', () => {
    const location = new URL('https://r.example/v2/a/blobs/uploads/u?_state=ab%2Bc%3D%3D');
    expect(withQuery(location, 'digest', 'sha256:00').href).toBe(
      'https://r.example/v2/a/blobs/uploads/u?_state=ab%2Bc%3D%3D&digest=sha256%3A00',
    );
    expect(withQuery(new URL('https://r.example/u'), 'digest', 'sha256:00').search).toBe(
      '?digest=sha256%3A00',
    );
  });
});

describe('registry errors', () => {
  it('parses the errors array, plain text and empty bodies', () => {
    expect(
      parseErrorBody('{"errors":[{"code":"DENIED","message":"no","detail":{"x":1}}]}'),
    ).toEqual([{ code: 'DENIED', message: 'no', detail: { x: 1 } }]);
    expect(parseErrorBody('  Service   Unavailable \n')).toEqual([
      { code: 'UNKNOWN', message: 'Service Unavailable' },
    ]);
    expect(parseErrorBody('')).toEqual([]);
  });

  it.each([
    [404, 'MANIFEST_UNKNOWN', 'NOT_FOUND'],
    [404, 'BLOB_UNKNOWN', 'NOT_FOUND'],
    [404, 'NAME_UNKNOWN', 'NOT_FOUND'],
    [404, undefined, 'NOT_FOUND'],
    [401, 'UNAUTHORIZED', 'UNAUTHORIZED'],
    [403, 'DENIED', 'DENIED'],
    [405, 'UNSUPPORTED', 'UNSUPPORTED'],
    [413, undefined, 'SIZE_LIMIT_EXCEEDED'],
    [400, 'DIGEST_INVALID', 'DIGEST_MISMATCH'],
    [400, 'SIZE_INVALID', 'SIZE_MISMATCH'],
    [400, 'MANIFEST_INVALID', 'REGISTRY_ERROR'],
    [503, undefined, 'REGISTRY_ERROR'],
  ])('maps HTTP %i %s to %s', (status, code, expected) => {
    expect(codeFor(status, code ? [{ code }] : [])).toBe(expected);
  });

  it('says where credentials came from when they are rejected or lack rights', () => {
    const context = {
      registry: 'registry.example:5000',
      authenticated: true,
      credentialsSource: 'the "username" and "password" inputs',
    };
    expect(hintFor('UNAUTHORIZED', [], context)).toBe(
      'the registry rejected the credentials for registry.example:5000 (from the "username" and "password" inputs): check the username and password or token, and that it has not expired',
    );
    expect(hintFor('DENIED', [], context)).toBe(
      'the credentials for registry.example:5000 (from the "username" and "password" inputs) lack the rights for this operation',
    );
  });

  it('says to check the host name when it does not resolve (no DNS query in a test)', () => {
    // getaddrinfo's error as Node makes it; a real lookup would leave loopback.
    const lookup = Object.assign(new Error('getaddrinfo ENOTFOUND registry.exmaple'), {
      code: 'ENOTFOUND',
      hostname: 'registry.exmaple',
    });
    const error = Object.assign(new TypeError('fetch failed'), { cause: lookup });
    expect(unreachableHint(error, 'registry.exmaple')).toBe(
      'the host name registry.exmaple could not be resolved (DNS): check the registry\'s name (input "registry", or the host in "reference")',
    );
    expect(unreachableHint(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), 'r')).toBe(
      undefined,
    );
  });

  it('says what to do when a manifest lists blobs the registry lost', () => {
    const error = registryError(
      { operation: 'push manifest sha256:ab', reference: 'registry.example/app:v1' },
      {
        status: 400,
        body: '{"errors":[{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry"}]}',
      },
      { registry: 'registry.example', authenticated: false },
    );
    expect(error.message).toBe(
      'push manifest sha256:ab registry.example/app:v1 failed (HTTP 400): MANIFEST_BLOB_UNKNOWN: blob unknown to registry. the registry does not hold blobs this manifest lists, though their upload was answered as stored: push again; should it keep failing, the registry (or a proxy in front of it) loses what it is sent',
    );
  });

  it('hints at workflow permissions for 403 on ghcr.io', () => {
    const hint = hintFor('DENIED', [], { registry: 'ghcr.io', authenticated: true });
    expect(hint).toContain('permissions: packages: write');
  });

  it('says ECR does not create repositories on push', () => {
    const error = registryError(
      { operation: 'push blob sha256:ab', reference: '1234.dkr.ecr.us-east-1.amazonaws.com/app' },
      {
        status: 404,
        body: '{"errors":[{"code":"NAME_UNKNOWN","message":"The repository does not exist"}]}',
      },
      { registry: '1234.dkr.ecr.us-east-1.amazonaws.com', repository: 'app', authenticated: true },
    );
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toBe(
      'push blob sha256:ab 1234.dkr.ecr.us-east-1.amazonaws.com/app failed (HTTP 404): NAME_UNKNOWN: The repository does not exist. Amazon ECR does not create repositories on push: create the repository "app" first (aws ecr create-repository)',
    );
  });

  it('reads a 401 insufficient_scope with credentials as DENIED', () => {
    const error = registryError(
      { operation: 'push blob', reference: 'r/a' },
      { status: 401, body: '', challengeError: 'insufficient_scope' },
      { registry: 'r', authenticated: true },
    );
    expect(error.code).toBe('DENIED');
    expect(error.message).toContain('insufficient_scope');
  });
});

describe('loopback and private hosts', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['localhost', true],
    ['registry.localhost', true],
    ['[::1]', true],
    ['::1', true],
    // IPv4-mapped IPv6 (as WHATWG URL writes it, and as typed), and the unspecified address.
    ['[::ffff:7f00:1]', true],
    ['[::ffff:127.0.0.1]', true],
    ['[::]', true],
    ['10.0.0.1', false],
    ['ghcr.io', false],
  ])('%s is loopback (plain HTTP fallback allowed): %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });

  it.each([
    ['10.1.2.3', true],
    ['192.168.0.1', true],
    ['172.16.0.1', true],
    ['[fd00::1]', true],
    ['[::ffff:a00:1]', true],
    ['[::ffff:c0a8:101]', true],
    ['172.32.0.1', false],
    ['[::ffff:808:808]', false],
    ['auth.example', false],
  ])('%s is private: %s', (host, expected) => {
    expect(isPrivateHost(host)).toBe(expected);
  });

  it('withholds credentials from a realm at a mapped loopback address that a public registry names', () => {
    const registry = new URL('https://registry.example/v2/');
    for (const realm of ['https://[::ffff:127.0.0.1]:8443/token', 'https://[::ffff:a9fe:a9fe]/t']) {
      expect(withholdReason(new URL(realm), registry)).toBe(
        'it is a loopback or private address while the registry is not',
      );
    }
  });
});

describe('RegistryError message', () => {
  it('joins a registry message ending in a full stop and a hint with one full stop', () => {
    const error = new RegistryError('UNSUPPORTED', {
      operation: 'delete',
      reference: 'localhost:5000/a@sha256:x',
      status: 405,
      errors: [{ code: 'UNSUPPORTED', message: 'The operation is unsupported.' }],
      hint: 'deletion is disabled on this registry',
    });
    expect(error.message).toBe(
      'delete localhost:5000/a@sha256:x failed (HTTP 405): UNSUPPORTED: The operation is unsupported. deletion is disabled on this registry',
    );
  });
});
