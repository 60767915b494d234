// A request without B3 headers starts a new trace in every framework adapter: its server span is a
// root, not shared, still named after the matched route.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, memorySink } from '../src/index.js';
import { frameworks, spans } from './helpers/frameworks.js';

for (const [framework, start] of Object.entries(frameworks)) {
  test(`${framework}: a request without B3 headers starts a new trace whose root is the server span, named GET /objects/:id`, async () => {
    const sink = memorySink();
    const tracer = createTracer({ serviceName: 'object-server', sink });
    const app = await start(tracer, async () => 'object 7');
    try {
      for (let i = 0; i < 2; i++) assert.equal(await (await fetch(`${app.url}/objects/7`)).text(), 'object 7');
    } finally {
      await app.close();
    }
    const [first, second] = await spans(tracer, sink, 2);
    for (const span of [first!, second!]) {
      assert.equal(span.kind, 'SERVER');
      assert.equal(span.parentId, undefined);
      assert.equal(span.shared, undefined);
      assert.match(span.traceId, /^[0-9a-f]{16}(?:[0-9a-f]{16})?$/);
      assert.match(span.id, /^[0-9a-f]{16}$/);
      assert.equal(span.name, 'GET /objects/:id');
      assert.equal(span.tags?.['http.status_code'], '200');
      assert.equal(span.tags?.error, undefined);
    }
    assert.notEqual(first!.traceId, second!.traceId, 'each request is its own trace');
  });
}
