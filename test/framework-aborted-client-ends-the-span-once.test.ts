// A client that goes away while the handler is still working, in every framework adapter: the span
// ends at once, when the connection closes, tagged http.aborted, and the late answer ends nothing more.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { createTracer, memorySink } from '../src/index.js';
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
      await until(() => response?.writableEnded === true, 'the late answer was written');
    } finally {
      await app.close();
    }
    await tracer.flush();
    assert.equal(sink.spans.length, 1, 'the late answer ends no second span');
    assert.equal(tracer.stats().sent, 1);
  });
}

/** Waits until `done()` holds, failing past a deadline: nothing emits an event when a framework writes into a closed connection. */
async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!done()) {
    if (Date.now() > deadline) assert.fail(`${what}: not within 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
