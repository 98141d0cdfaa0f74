import net from 'node:net';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago: bind port 0, read the port the kernel
 * chose, release it. Another process may take it before the caller binds it; the service
 * helpers retry start-up on a new port when that happens.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not read the port of a loopback socket'));
        return;
      }
      server.close((error) => (error ? reject(error) : resolve(address.port)));
    });
  });
}
