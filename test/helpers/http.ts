// Real node:http servers and requests on loopback, shared by the tests that build the seed scenario.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on a free loopback port and resolves with it. */
export async function listen(server: http.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** Closes the server and every connection it still has. */
export async function stop(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** GETs `url` and resolves with the status and the whole body once the response ends. */
export function get(
  url: string,
  agent: http.Agent,
  headers: Record<string, string>,
  onHeaders?: (res: http.IncomingMessage) => void,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent, headers }, (res) => {
      onHeaders?.(res);
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
