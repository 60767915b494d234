// The handler of every framework adapter gets the server span (req.span, request.span, ctx.state.span,
// c.get('span')), and span.fetch from it records a CLIENT child span whose IDs go downstream in B3.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { createTracer, memorySink, type Span } from '../src/index.js';
import { frameworks, spans, serve } from './helpers/frameworks.js';

for (const [framework, start] of Object.entries(frameworks)) {
  test(`${framework}: the handler gets the server span, and span.fetch from it records a CLIENT child whose IDs the downstream server receives`, async () => {
    const sink = memorySink();
    const tracer = createTracer({ serviceName: 'proxy', sink });
    let received: http.IncomingHttpHeaders = {};
    const downstream = await serve(http.createServer((req, res) => {
      received = req.headers;
      res.end('fragment');
    }));
    let handed: Span | undefined;
    const app = await start(tracer, async (span) => {
      handed = span;
      const res = await span.fetch(`${downstream.url}/fragments/0`);
      return `object of ${await res.text()}`;
    });
    try {
      assert.equal(await (await fetch(`${app.url}/objects/7`)).text(), 'object of fragment');
    } finally {
      await Promise.all([app.close(), downstream.close()]);
    }
    const all = await spans(tracer, sink, 2);
    assert.equal(all.length, 2);
    const server = all.find((s) => s.kind === 'SERVER')!;
    const client = all.find((s) => s.kind === 'CLIENT')!;
    assert.equal(handed?.context.spanId, server.id, 'the handler had the server span');
    assert.equal(client.traceId, server.traceId);
    assert.equal(client.parentId, server.id);
    assert.notEqual(client.id, server.id);
    assert.equal(client.name, 'GET');
    assert.equal(client.tags?.['http.path'], '/fragments/0');
    assert.equal(client.tags?.['http.status_code'], '200');
    assert.equal(received['x-b3-traceid'], server.traceId);
    assert.equal(received['x-b3-spanid'], client.id);
    assert.equal(received['x-b3-parentspanid'], server.id);
  });
}
