import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { createTracer, zipkinHttpSink, type DiagnosticEvent } from '../src/index.js';

const TOKEN = 'SECRET-7f3a9c2e5b8d41f6a0c3e9b7d2f5a8c1';
const HEADER = `Bearer ${TOKEN}`;

/** Every way the collector fails, most of them repeating the credentials back. */
const behaviours: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '401 echoing the authorization header': (req, res) => res.writeHead(401).end(`bad credentials: ${String(req.headers.authorization)}`),
  '403 echoing the bare token': (_req, res) => res.writeHead(403).end(`token ${TOKEN} is revoked`),
  '400 echoing the header': (req, res) => res.writeHead(400).end(`invalid request with ${String(req.headers.authorization)}`),
  '500 echoing every request header as JSON': (req, res) => res.writeHead(500).end(JSON.stringify(req.headers)),
  '429 with Retry-After, echoing the header': (req, res) => res.writeHead(429, { 'retry-after': '0' }).end(String(req.headers.authorization)),
  // The body is cut at 500 characters by the sink: the token straddles the cut.
  '503 whose body cuts the token in half': (_req, res) => res.writeHead(503).end('x'.repeat(500 - TOKEN.length / 2) + TOKEN),
  '502 echoing the token with its whitespace changed': (_req, res) => res.writeHead(502).end(`Bearer\n\t ${TOKEN}`),
  'connection reset': (req) => req.socket.destroy(),
  'a response that never ends': (_req, res) => res.writeHead(200).write(' '),
};

/** True when `text` holds the token or any 8 characters of it in a row. */
function leaks(text: string): boolean {
  for (let i = 0; i + 8 <= TOKEN.length; i++) if (text.includes(TOKEN.slice(i, i + 8))) return true;
  return false;
}

for (const [how, behave] of Object.entries(behaviours)) {
  test(`the collector's auth header never appears in stats, onError events, warnings or rejections: ${how}`, async () => {
    const server = createServer(behave);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2/spans`;
    const events: DiagnosticEvent[] = [];
    const warnings: string[] = [];
    const rejections: unknown[] = [];
    const onWarning = (w: Error): void => void warnings.push(inspect(w, { depth: 8 }));
    const onRejection = (r: unknown): void => void rejections.push(r);
    process.on('warning', onWarning);
    process.on('unhandledRejection', onRejection);
    try {
      const sink = zipkinHttpSink({
        url,
        headers: { authorization: HEADER },
        maxRetries: 2,
        initialBackoffMillis: 0,
        timeoutMillis: 300,
        onError: (e) => events.push(e),
      });
      const tracer = createTracer({ serviceName: 'secret-keeper', sink, onError: (e) => events.push(e) });
      const work = tracer.traced(async (_span, i: number) => i, { name: 'work' });
      for (let i = 0; i < 20; i++) assert.equal(await work(i), i);
      for (const settle of [() => tracer.flush({ timeoutMillis: 5_000 }), () => tracer.close({ timeoutMillis: 5_000 })]) {
        try {
          await settle();
        } catch (error) {
          rejections.push(error);
        }
      }
      await new Promise<void>((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      const s = tracer.stats();
      assert.ok(s.lastError !== undefined || events.length > 0, 'the collector failed, and that was reported');
      const seen = [
        String(s.lastError),
        String(sink.stats?.().lastError),
        ...events.map((e) => `${e.kind} ${e.message} ${inspect(e.error, { depth: 8 })} ${String(e.error)}`),
        ...warnings,
        ...rejections.map((r) => inspect(r, { depth: 8 })),
      ];
      for (const text of seen) assert.ok(!leaks(text), `the token leaked: ${text.slice(0, 600)}`);
      assert.deepEqual(rejections, []);
    } finally {
      process.off('warning', onWarning);
      process.off('unhandledRejection', onRejection);
      server.closeAllConnections();
      server.close();
    }
  });
}
