import { afterEach, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRequestError } from '../src/errors.ts';
import { createHttpClient } from '../src/http/client.ts';

interface TestServer {
  url: string;
  /** TCP connections accepted so far. */
  connections: () => number;
  close: () => Promise<void>;
}

const servers: TestServer[] = [];

async function startServer(handler: http.RequestListener): Promise<TestServer> {
  const server = http.createServer(handler);
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const started: TestServer = {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })
  };
  servers.push(started);
  return started;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

async function rejection(promise: Promise<unknown>): Promise<HttpRequestError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(HttpRequestError);
    return error as HttpRequestError;
  }
  throw new Error('expected the request to fail');
}

describe('createHttpClient', () => {
  it('resolves with the status, body, lower-case headers and latency', async () => {
    const server = await startServer((_req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('X-Custom', 'Yes');
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.writeHead(503);
      res.end('{"status":"fail"}');
    });
    const ticks = [1000, 1042.5];
    const client = createHttpClient({ now: () => ticks.shift() ?? Number.NaN });
    const response = await client.request({ url: `${server.url}/ready`, timeoutMs: 2000 });
    expect(response.status).toBe(503);
    expect(response.body).toBe('{"status":"fail"}');
    expect(response.headers).toMatchObject({
      'content-type': 'application/json',
      'x-custom': 'Yes',
      'set-cookie': 'a=1, b=2',
      connection: 'close'
    });
    expect(response.latencyMs).toBe(42.5);
  });

  it('measures real latency with the default clock', async () => {
    const server = await startServer((_req, res) => {
      setTimeout(() => res.end('late'), 40);
    });
    const response = await createHttpClient().request({ url: server.url, timeoutMs: 2000 });
    expect(response.body).toBe('late');
    expect(response.latencyMs).toBeGreaterThanOrEqual(35);
    expect(response.latencyMs).toBeLessThan(1500);
  });

  it('sends GET with the user agent, the given headers and Connection: close', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const methods: string[] = [];
    const server = await startServer((req, res) => {
      seen.push(req.headers);
      methods.push(req.method ?? '');
      res.end('ok');
    });
    await createHttpClient().request({ url: `${server.url}/health`, timeoutMs: 2000 });
    await createHttpClient({ userAgent: 'deploy-actions/health-gate' }).request({
      url: `${server.url}/health?x=1`,
      headers: { authorization: 'Bearer t0ken', 'cache-control': 'no-cache' },
      timeoutMs: 2000
    });
    expect(methods).toEqual(['GET', 'GET']);
    expect(seen[0]).toMatchObject({ 'user-agent': 'deploy-actions', connection: 'close' });
    expect(seen[0]!['content-length']).toBeUndefined();
    expect(seen[1]).toMatchObject({
      'user-agent': 'deploy-actions/health-gate',
      connection: 'close',
      authorization: 'Bearer t0ken',
      'cache-control': 'no-cache'
    });
  });

  it('opens a new TCP connection for every request', async () => {
    const ports = new Set<number>();
    const server = await startServer((req, res) => {
      ports.add(req.socket.remotePort ?? 0);
      res.end('ok');
    });
    const client = createHttpClient();
    for (let i = 0; i < 3; i++) await client.request({ url: server.url, timeoutMs: 2000 });
    await Promise.all([1, 2].map(() => client.request({ url: server.url, timeoutMs: 2000 })));
    expect(server.connections()).toBe(5);
    expect(ports.size).toBe(5);
  });

  it('sends a POST body with its length in bytes', async () => {
    let received: { method?: string; length?: string; type?: string; body: string } | undefined;
    const server = await startServer(async (req, res) => {
      received = {
        method: req.method,
        length: req.headers['content-length'],
        type: req.headers['content-type'],
        body: await readBody(req)
      };
      res.writeHead(201);
      res.end('created');
    });
    const body = '{"name":"héllo ✓"}';
    const response = await createHttpClient().request({
      method: 'POST',
      url: `${server.url}/api/items`,
      headers: { 'content-type': 'application/json' },
      body,
      timeoutMs: 2000
    });
    expect(response.status).toBe(201);
    expect(received).toEqual({
      method: 'POST',
      length: String(Buffer.byteLength(body)),
      type: 'application/json',
      body
    });
    expect(Buffer.byteLength(body)).toBeGreaterThan(body.length);
  });

  it('times out on a server that never answers, within the timeout and some slack', async () => {
    const server = await startServer(() => {
      /* never answers */
    });
    const started = performance.now();
    const error = await rejection(
      createHttpClient().request({ url: `${server.url}/health`, timeoutMs: 150 })
    );
    const took = performance.now() - started;
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('no response within 150ms');
    expect(error.latencyMs).toBeGreaterThanOrEqual(145);
    expect(took).toBeGreaterThanOrEqual(145);
    expect(took).toBeLessThan(150 + 250);
  });

  it('times out when the body never ends (the limit covers the whole exchange)', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
    });
    const error = await rejection(createHttpClient().request({ url: server.url, timeoutMs: 100 }));
    expect(error.kind).toBe('timeout');
  });

  it('reports a refused connection on a closed port', async () => {
    const server = await startServer(() => undefined);
    await server.close();
    servers.splice(servers.indexOf(server), 1);
    const error = await rejection(
      createHttpClient().request({ url: `${server.url}/health`, timeoutMs: 2000 })
    );
    expect(error.kind).toBe('refused');
    expect(error.message).toBe('connection refused');
    expect(error.latencyMs).toBeLessThan(2000);
  });

  it('reports a reset when the server drops the connection', async () => {
    const server = await startServer((req) => {
      req.socket.destroy();
    });
    const error = await rejection(createHttpClient().request({ url: server.url, timeoutMs: 2000 }));
    expect(error.kind).toBe('reset');
  });

  it('rejects a body larger than maxBodyBytes as too-large', async () => {
    const server = await startServer((_req, res) => {
      res.end('x'.repeat(5000));
    });
    const error = await rejection(
      createHttpClient().request({ url: server.url, timeoutMs: 2000, maxBodyBytes: 1000 })
    );
    expect(error.kind).toBe('too-large');
    expect(error.message).toBe('response body larger than 1000 bytes');
  });

  it('accepts a body of exactly maxBodyBytes', async () => {
    const server = await startServer((_req, res) => {
      res.end('y'.repeat(1000));
    });
    const response = await createHttpClient().request({
      url: server.url,
      timeoutMs: 2000,
      maxBodyBytes: 1000
    });
    expect(response.body).toHaveLength(1000);
  });

  it('limits bodies to 1 MiB by default', async () => {
    const server = await startServer((_req, res) => {
      res.end(Buffer.alloc(1024 * 1024 + 1, 'z'));
    });
    const error = await rejection(createHttpClient().request({ url: server.url, timeoutMs: 2000 }));
    expect(error.kind).toBe('too-large');
    expect(error.message).toBe(`response body larger than ${1024 * 1024} bytes`);
  });
});
