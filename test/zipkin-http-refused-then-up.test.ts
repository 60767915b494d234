import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink, type DiagnosticEvent } from '../src/index.js';
import { fakeCollector, freePort } from './fixtures/http-collector.js';
import { recordSpans } from './fixtures/http-spans.js';

test('spans written while the collector refuses connections are all delivered once it is up', async () => {
  const port = await freePort();
  const events: DiagnosticEvent[] = [];
  let firstFailure!: () => void;
  const failed = new Promise<void>((resolve) => (firstFailure = resolve));
  const sink = zipkinHttpSink({
    url: `http://127.0.0.1:${port}/api/v2/spans`,
    maxBatchSpans: 100,
    initialBackoffMillis: 10,
    maxBackoffMillis: 100,
    maxRetries: 1000,
    warnings: false,
    onError: (e) => {
      events.push(e);
      if (e.kind === 'ZIPKIN_SEND_FAILED') firstFailure();
    },
  });
  const tracer = createTracer({ serviceName: 'refused-then-up', sink, warnings: false });
  const ids = await recordSpans(tracer, 1000, 10);
  const flushing = tracer.flush({ timeoutMillis: 60_000 });
  await failed;
  assert.match(sink.stats().lastError ?? '', /ECONNREFUSED/);

  const collector = await fakeCollector(undefined, port);
  try {
    const flushed = await flushing;
    assert.equal(flushed.complete, true);
    for (const id of ids) assert.ok((collector.accepted.get(id) ?? 0) >= 1, `span ${id} was delivered`);
    const s = sink.stats();
    assert.equal(s.sent, 1000);
    assert.ok(s.retried > 0, 'some spans were sent again');
    assert.deepEqual(s.dropped, { queueFull: 0, rejected: 0, expired: 0, sinkFailed: 0 });
    assert.equal(s.queued + s.inFlight, 0);
    // Every count is in spans: a refused request never reached the collector, so nothing is doubled.
    assert.equal(collector.acceptedTotal(), 1000);
    assert.ok(events.every((e) => e.kind === 'ZIPKIN_SEND_FAILED'));
  } finally {
    await tracer.close();
    await collector.stop();
  }
});
