import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink } from '../src/index.js';
import { fakeCollector } from './fixtures/http-collector.js';
import { recordSpans } from './fixtures/http-spans.js';

test('every span is delivered when the collector restarts mid-run, and duplicates are counted', async (t) => {
  const collector = await fakeCollector();
  let stopped = false;
  let failedWhileDown!: () => void;
  const failure = new Promise<void>((resolve) => (failedWhileDown = resolve));
  const sink = zipkinHttpSink({
    url: collector.url, maxBatchSpans: 100, flushIntervalMillis: 10, initialBackoffMillis: 5, maxBackoffMillis: 50, maxRetries: 1000, warnings: false,
    onError: (e) => {
      if (stopped && e.kind === 'ZIPKIN_SEND_FAILED') failedWhileDown();
    },
  });
  const tracer = createTracer({ serviceName: 'restart', sink, warnings: false });
  try {
    const before = await recordSpans(tracer, 3000, 20);
    await collector.whenAccepted(500);
    // Down while spans are still queued and in flight.
    await collector.stop();
    stopped = true;
    const during = await recordSpans(tracer, 3000, 20);
    const down = collector.acceptedTotal();
    // Wait until the sink has failed against the dead collector at least once.
    await failure;
    assert.match(sink.stats().lastError ?? '', /ECONNREFUSED|ECONNRESET|closed/);
    assert.equal(collector.acceptedTotal(), down, 'nothing arrived while it was down');
    await collector.start();

    const result = await tracer.close({ timeoutMillis: 60_000 });
    assert.equal(result.complete, true);
    const ids = [...before, ...during];
    for (const id of ids) assert.ok((collector.accepted.get(id) ?? 0) >= 1, `span ${id} was delivered`);
    const duplicates = collector.acceptedTotal() - ids.length;
    t.diagnostic(`accepted before the restart: ${down}; duplicates: ${duplicates}; retried: ${sink.stats().retried}`);
    assert.ok(duplicates >= 0);
    const s = sink.stats();
    assert.equal(s.sent, 6000, 'each span confirmed once');
    assert.ok(s.retried > 0);
    assert.deepEqual(s.dropped, { queueFull: 0, rejected: 0, expired: 0, sinkFailed: 0 });
  } finally {
    await collector.stop();
  }
});
