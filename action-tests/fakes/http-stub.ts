/**
 * Loopback HTTP servers for the failure modes a real service cannot be told to produce: an
 * endpoint that accepts connections and never answers, or one that answers a body that is not
 * JSON. Each counts the requests it received, so a test can prove none was sent.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface HttpStub {
  url: string;
  /** Requests received, with method and path. */
  requests: { method: string; path: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** `respond` returns the answer, or `'hang'` to keep the request open until the stub closes. */
export async function startHttpStub(
  respond: (req: http.IncomingMessage) => { status: number; body: string; contentType?: string } | 'hang'
): Promise<HttpStub> {
  const requests: HttpStub['requests'] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers });
    const answer = respond(req);
    if (answer === 'hang') return;
    res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'application/json' });
    res.end(answer.body);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      })
  };
}
