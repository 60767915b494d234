// A request no route matches, in every framework adapter: the framework's 404 is recorded on a span
// named after the method alone, with no http.route and no error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, memorySink } from '../src/index.js';
import { frameworks, spans } from './helpers/frameworks.js';

for (const [framework, start] of Object.entries(frameworks)) {
  test(`${framework}: a request no route matches is named after its method alone, with status 404 and no http.route`, async () => {
    const sink = memorySink();
    const tracer = createTracer({ serviceName: 'object-server', sink });
    const app = await start(tracer, async () => 'object 7');
    try {
      const res = await fetch(`${app.url}/nowhere/7`);
      assert.equal(res.status, 404);
      await res.arrayBuffer();
    } finally {
      await app.close();
    }
    const [span, ...more] = await spans(tracer, sink, 1);
    assert.deepEqual(more, []);
    assert.equal(span!.name, 'GET');
    assert.deepEqual(span!.tags, { 'http.method': 'GET', 'http.path': '/nowhere/7', 'http.status_code': '404' });
  });
}
