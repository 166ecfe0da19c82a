// Bodies a registry or token service sends are read up to a bound of ours: one that never ends
// must not hold the request (at full speed, no stall or low-speed clock ever cuts it), nor be kept
// in memory. A tiny node:http server, since the real registry never sends such bodies.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OciError } from '../../../src/oci/errors.js';
import { parseReference } from '../../../src/oci/reference.js';
import { RemoteRepository } from '../../../src/oci/remote/repository.js';
import { OCI_INDEX } from '../../../src/oci/media-types.js';
import { digestBytes } from '../../../src/oci/digest.js';

const CHUNK = Buffer.alloc(64 * 1024, 'x');
/** Far more than any bound of ours, and little enough that reading it whole harms nothing. */
const LONG = 96 * 1024 * 1024;
/** The largest bound (16 MiB, a page of tags) and what the socket buffers hold beyond it. */
const READ_AT_MOST = 32 * 1024 * 1024;

/** Sends `head`, then `x` until LONG bytes are written or the client closes; resolves the count. */
function pump(res: ServerResponse, head: string): Promise<number> {
  return new Promise((resolve) => {
    let written = 0;
    let first = true;
    res.on('close', () => resolve(written));
    const more = (): void => {
      while (!res.destroyed && written < LONG) {
        const chunk = first ? Buffer.from(head) : CHUNK;
        first = false;
        written += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', more);
          return;
        }
      }
      if (!res.destroyed) res.end();
    };
    more();
  });
}

describe('a body that goes on and on', () => {
  let server: Server;
  let host: string;
  let routes: Record<string, (res: ServerResponse) => void>;
  let written: Promise<number>[];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const route = routes[req.url?.split('?')[0] ?? ''];
      if (route) route(res);
      else res.writeHead(200, { 'content-length': '0' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    routes = {};
    written = [];
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const answer =
    (status: number, headers: Record<string, string>, head = '') =>
    (res: ServerResponse) => {
      res.writeHead(status, headers);
      written.push(pump(res, head));
    };

  const open = (repository: string) =>
    new RemoteRepository(parseReference(`${host}/${repository}`), {
      dockerConfigDir: '/nonexistent',
      plainHttp: true,
      retry: { attempts: 1 },
    });

  it('as an error: cut after what the error quotes, and the request fails with its status', async () => {
    routes['/v2/endless/app/manifests/v1'] = answer(404, { 'content-type': 'text/plain' });
    const error = await open('endless/app')
      .fetchManifest('v1')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect((error as Error).message).toContain('UNKNOWN: xxxx');
    expect(await written[0]).toBeLessThan(READ_AT_MOST);
  });

  it('as many long messages: the error line quotes the first few, shortened', async () => {
    const errors = Array.from({ length: 50 }, (_, i) => ({
      code: 'MANIFEST_INVALID',
      message: `${i}: ${'y'.repeat(1000)}`,
    }));
    routes['/v2/endless/many/manifests/v1'] = (res) =>
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ errors }));
    const error = await open('endless/many')
      .fetchManifest('v1')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'REGISTRY_ERROR', status: 400 });
    const message = (error as Error).message;
    expect(message).toMatch(/failed \(HTTP 400\): MANIFEST_INVALID: 0: y{100}/);
    expect(message).toContain('; and 47 more');
    expect(message.length).toBeLessThan(2000);
  });

  it('as a token: refused as too large, unread beyond the bound', async () => {
    routes['/v2/'] = (res) =>
      res
        .writeHead(401, {
          'www-authenticate': `Bearer realm="http://${host}/token",service="s"`,
          'content-length': '0',
        })
        .end();
    routes['/token'] = answer(200, { 'content-type': 'application/json' }, '{"token":"');
    const error = await open('endless/token')
      .fetchManifest('v1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OciError);
    expect(error).toMatchObject({ code: 'SIZE_LIMIT_EXCEEDED' });
    expect((error as Error).message).toContain(`http://${host}`);
    expect(await written[0]).toBeLessThan(READ_AT_MOST);
  });

  it('as a list of tags: refused as too large, unread beyond the bound', async () => {
    routes['/v2/endless/tags/tags/list'] = answer(
      200,
      { 'content-type': 'application/json' },
      '{"name":"endless/tags","tags":["',
    );
    const error = await open('endless/tags')
      .tags()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SIZE_LIMIT_EXCEEDED' });
    expect(await written[0]).toBeLessThan(READ_AT_MOST);
  });

  it('as a referrers index: refused as too large, unread beyond the bound', async () => {
    const subject = {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: digestBytes(Buffer.from('subject')),
      size: 7,
    };
    routes[`/v2/endless/referrers/referrers/${subject.digest}`] = answer(
      200,
      { 'content-type': OCI_INDEX },
      '{"schemaVersion":2,"manifests":[],"annotations":{"x":"',
    );
    const error = await open('endless/referrers')
      .referrers(subject)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SIZE_LIMIT_EXCEEDED' });
    expect(await written[0]).toBeLessThan(READ_AT_MOST);
  });

  it('as a list of tags whose pages never end: refused once it holds a million names', async () => {
    let pages = 0;
    routes['/v2/endless/pages/tags/list'] = (res) => {
      pages++;
      const tags = Array.from({ length: 10_000 }, (_, i) => `p${pages}-${i}`);
      res
        .writeHead(200, {
          'content-type': 'application/json',
          link: `</v2/endless/pages/tags/list?page=${pages + 1}>; rel="next"`,
        })
        .end(JSON.stringify({ name: 'endless/pages', tags }));
    };
    const error = await open('endless/pages')
      .tags()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SIZE_LIMIT_EXCEEDED' });
    expect((error as Error).message).toContain('more than 1000000 names');
    expect(pages).toBe(101);
  });
});
