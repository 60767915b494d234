// sink.whenPendingAtMost(limit) is the producer's back-pressure: it waits while more than `limit`
// spans are queued or in flight, and resolves once delivered batches bring them down (or at close),
// with no polling.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink } from '../src/index.js';
import { fakeCollector } from './fixtures/http-collector.js';

test('whenPendingAtMost resolves at once under its limit, waits while the collector holds the batches, and wakes when they are answered', async (t) => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const collector = await fakeCollector(async () => {
    await held;
    return { status: 202 };
  });
  t.after(() => collector.stop());
  const sink = zipkinHttpSink({ url: collector.url, maxBatchSpans: 10, maxInFlight: 1, flushIntervalMillis: 1, warnings: false });
  const tracer = createTracer({ serviceName: 'room', sink, warnings: false });
  await sink.whenPendingAtMost(0);
  for (let i = 0; i < 50; i++) tracer.startSpan(`s${i}`).end();
  await collector.nextRequest();

  let woken = false;
  const room = sink.whenPendingAtMost(10).then(() => (woken = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(woken, false, 'no room while 50 spans wait on a collector that does not answer');
  const pending = sink.stats().queued + sink.stats().inFlight;
  assert.equal(pending, 50);

  release();
  await room;
  const after = sink.stats();
  assert.ok(after.queued + after.inFlight <= 10, JSON.stringify(after));
  await tracer.close();
  assert.equal(sink.stats().sent, 50);
  // After close nothing waits.
  await sink.whenPendingAtMost(0);
});
