import type http from 'node:http';
import { HttpRequestError } from '../errors.ts';
import { formatDuration } from '../inputs/duration.ts';

export interface HttpRequest {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Limit for the whole exchange: connect, headers and body. */
  timeoutMs: number;
  /** A larger body is an error rather than memory growth (default 1 MiB). */
  maxBodyBytes?: number;
}

export interface HttpResponse {
  status: number;
  /** Header names in lower case; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: string;
  /** From sending the request to the last byte of the body. */
  latencyMs: number;
}

/** The one way core logic talks HTTP; injected so it can be faked in unit tests. */
export interface HttpClient {
  /** Resolves with any status code; rejects with HttpRequestError when no response was completed. */
  request(request: HttpRequest): Promise<HttpResponse>;
}

const DEFAULT_MAX_BODY = 1024 * 1024;

export interface HttpClientOptions {
  userAgent?: string;
  /** Measures time; injectable for tests. */
  now?: () => number;
}

/**
 * An HTTP client on node:http with a fresh connection per request (`agent: false` and
 * `Connection: close`): a probe must reach whatever instance the load balancer picks now, not
 * reuse a socket to an old instance, and a latency sample must include the connection it costs.
 */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const now = options.now ?? (() => performance.now());
  const userAgent = options.userAgent ?? 'deploy-actions';
  return {
    request(request) {
      const url = new URL(request.url);
      // node:http and node:https (with tls and crypto) load on first use: at start-up they cost
      // time that a run failing on its inputs should not pay.
      const transport = process.getBuiltinModule(url.protocol === 'https:' ? 'node:https' : 'node:http');
      const limit = request.maxBodyBytes ?? DEFAULT_MAX_BODY;
      const started = now();
      return new Promise<HttpResponse>((resolve, reject) => {
        let settled = false;
        const fail = (error: HttpRequestError) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          req.destroy();
          reject(error);
        };
        const headers: Record<string, string> = {
          'user-agent': userAgent,
          connection: 'close',
          ...request.headers
        };
        if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
        const req = transport.request(
          url,
          { method: request.method ?? 'GET', headers, agent: false },
          (res) => {
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size > limit) {
                fail(
                  new HttpRequestError(
                    `response body larger than ${limit} bytes`,
                    'too-large',
                    now() - started
                  )
                );
                return;
              }
              chunks.push(chunk);
            });
            res.on('error', (error) => fail(classify(error, now() - started)));
            res.on('end', () => {
              if (settled) return;
              settled = true;
              clearTimeout(timer);
              resolve({
                status: res.statusCode ?? 0,
                headers: flattenHeaders(res.headers),
                body: Buffer.concat(chunks).toString('utf8'),
                latencyMs: now() - started
              });
            });
          }
        );
        const timer = setTimeout(
          () =>
            fail(
              new HttpRequestError(
                `no response within ${formatDuration(request.timeoutMs)}`,
                'timeout',
                now() - started
              )
            ),
          request.timeoutMs
        );
        req.on('error', (error) => fail(classify(error, now() - started)));
        req.end(request.body);
      });
    }
  };
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function classify(error: NodeJS.ErrnoException, latencyMs: number): HttpRequestError {
  switch (error.code) {
    case 'ECONNREFUSED':
      return new HttpRequestError('connection refused', 'refused', latencyMs);
    case 'ECONNRESET':
    case 'EPIPE':
      return new HttpRequestError('connection reset by the server', 'reset', latencyMs);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new HttpRequestError(`host name not found (${error.code})`, 'dns', latencyMs);
    default:
      return new HttpRequestError(error.message || String(error.code), 'network', latencyMs);
  }
}
