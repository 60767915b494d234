// Backs a note of docs/seed-comparison/line-counts.md: zipkin-js with ExplicitContext (the context
// its examples use) knows the current span only while code runs synchronously. In the seed program
// the proxy starts its 4 fetches before its first await, so they are siblings under its SERVER
// span; a fetch started after an await in the same handler is instead the root of a trace of its own.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { BatchRecorder, ExplicitContext, Instrumentation, Tracer, option, type model } from 'zipkin';
// @ts-expect-error zipkin-instrumentation-fetch ships no type declarations
import wrapFetch from 'zipkin-instrumentation-fetch';

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

test('zipkin-js ExplicitContext: fetches before the first await are children of the server span, fetches after it start new traces', async () => {
  const spans: model.Span[] = [];
  const tracer = new Tracer({ ctxImpl: new ExplicitContext(), recorder: new BatchRecorder({ logger: { logSpan: (s: model.Span) => spans.push(s) } }), localServiceName: 'proxy' });
  const zipkinFetch = wrapFetch(fetch, { tracer });
  const instrumentation = new Instrumentation.HttpServer({ tracer, port: 0 });

  const objectServer = http.createServer((_req, res) => res.end('fragment'));
  const objectUrl = await listen(objectServer);
  const fragment = async (which: string): Promise<string> => (await (zipkinFetch(`${objectUrl}/${which}`) as Promise<Response>)).text();
  // The server instrumentation of docs/seed-comparison/zipkin-js.ts, around a handler that awaits once.
  const proxy = http.createServer((req, res) =>
    tracer.scoped(() => {
      const id = instrumentation.recordRequest(req.method ?? 'GET', `http://${req.headers.host}${req.url}`, <T>(name: string) => option.fromNullable(req.headers[name.toLowerCase()] as T));
      res.once('finish', () => tracer.scoped(() => instrumentation.recordResponse(id, String(res.statusCode))));
      void (async () => {
        const before = Promise.all([fragment('before-1'), fragment('before-2')]);
        await new Promise((resolve) => setImmediate(resolve));
        const after = Promise.all([fragment('after-1'), fragment('after-2')]);
        res.end([...(await before), ...(await after)].join());
      })();
    }),
  );
  const proxyUrl = await listen(proxy);
  try {
    assert.equal((await fetch(`${proxyUrl}/object`)).status, 200);
  } finally {
    // Closed once every response has finished, so every span has been recorded.
    await Promise.all([proxy, objectServer].map((s) => new Promise((resolve) => s.close(resolve))));
  }

  const server = spans.find((s) => s.kind === 'SERVER');
  assert.ok(server);
  const client = (path: string): model.Span => spans.find((s) => s.kind === 'CLIENT' && s.tags['http.path'] === path)!;
  for (const path of ['/before-1', '/before-2']) {
    assert.equal(client(path).traceId, server.traceId, `${path}: in the server's trace`);
    assert.equal(client(path).parentId, server.id, `${path}: a child of the server span`);
  }
  const afterTraces = new Set<string>();
  for (const path of ['/after-1', '/after-2']) {
    assert.notEqual(client(path).traceId, server.traceId, `${path}: not in the server's trace`);
    assert.equal(client(path).parentId, undefined, `${path}: a root span`);
    afterTraces.add(client(path).traceId);
  }
  assert.equal(afterTraces.size, 2, 'each fetch after the await is a trace of its own');
});
