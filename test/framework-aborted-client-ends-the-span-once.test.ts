// A client that goes away while the handler is still working, in every framework adapter: the span
// ends at once, when the connection closes, tagged http.aborted, and the late answer ends nothing more.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { createTracer, memorySink } from '../src/index.js';
import { eventually } from './helpers/eventually.js';
import { frameworks, spans } from './helpers/frameworks.js';

for (const [framework, start] of Object.entries(frameworks)) {
  test(`${framework}: a client that goes away before the answer still ends the span once, tagged http.aborted and error`, async () => {
    const sink = memorySink();
    const tracer = createTracer({ serviceName: 'object-server', sink });
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let response: http.ServerResponse | undefined;
    const app = await start(tracer, async (_span, _req, res) => {
      response = res;
      arrived();
      await released;
      return 'too late';
    });
    try {
      const req = http.get(`${app.url}/objects/7`, { agent: false });
      const gone = new Promise<void>((resolve) => req.once('close', resolve));
      req.on('error', () => {}); // socket hang up: the client's own doing
      await arrival;
      req.destroy();
      await gone;
      // The span ends on the server's 'close', before the handler has answered.
      const [span, ...more] = await spans(tracer, sink, 1);
      assert.deepEqual(more, []);
      assert.equal(span!.name, 'GET /objects/:id');
      assert.equal(span!.tags?.['http.aborted'], 'true');
      assert.equal(span!.tags?.error, 'the client closed the connection before the response was complete');
      release();
      // The framework still answers, into the closed connection.
      await eventually('the late answer was written', () => response?.writableEnded === true, 5_000);
    } finally {
      await app.close();
    }
    await tracer.flush();
    assert.equal(sink.spans.length, 1, 'the late answer ends no second span');
    assert.equal(tracer.stats().sent, 1);
  });
}
