// A loopback server that accepts connections and never answers (nor closes them): the registry
// that hangs. It reads and drops what it is sent, so a client's writes never block on it.
import { createServer, type AddressInfo, type Socket } from 'node:net';

export interface SilentServer {
  /** `127.0.0.1:<port>` */
  readonly host: string;
  /** Connections accepted so far. */
  readonly connections: number;
  /**
   * How each connection that sent anything began: `tls` (a TLS handshake record) or `plain`
   * (anything else, such as `GET /v2/`).
   */
  readonly greetings: ('tls' | 'plain')[];
  /** Calls `listener` on each connection accepted; returns a function that removes it. */
  onConnection(listener: (count: number) => void): () => void;
  stop(): Promise<void>;
}

export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  const listeners = new Set<(count: number) => void>();
  let connections = 0;
  const greetings: ('tls' | 'plain')[] = [];
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    // 0x16: the content type of a TLS handshake record, the first byte a TLS client sends.
    socket.once('data', (chunk: Buffer) => greetings.push(chunk[0] === 0x16 ? 'tls' : 'plain'));
    socket.resume();
    for (const listener of listeners) listener(connections);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    greetings,
    onConnection(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
