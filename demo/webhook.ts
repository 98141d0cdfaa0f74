/**
 * A chat webhook on loopback (the kind Slack gives: the secret is in the path), recording what the
 * rollback action announces.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookReceiver {
  /** The full URL, secret included: give it to the action, never print it. */
  readonly url: string;
  /** The secret path part, for masking. */
  readonly secret: string;
  /** Bodies received, parsed as JSON when they are JSON. */
  readonly received: unknown[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const secret = `demo-${randomBytes(12).toString('hex')}`;
  const received: unknown[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url !== `/hooks/${secret}`) {
        response.writeHead(404).end();
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        received.push(JSON.parse(body));
      } catch {
        received.push(body);
      }
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks/${secret}`,
    secret,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })
  };
}
