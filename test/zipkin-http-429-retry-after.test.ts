import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink } from '../src/index.js';
import { fakeCollector } from './fixtures/http-collector.js';
import { recordSpans } from './fixtures/http-spans.js';

test('a 429 is retried no sooner than its Retry-After says, even when the backoff is shorter', async () => {
  const arrivals: number[] = [];
  const collector = await fakeCollector((r) => {
    arrivals.push(Date.now());
    return r.n === 1 ? { status: 429, body: 'slow down', headers: { 'retry-after': '1' } } : { status: 202 };
  });
  const sink = zipkinHttpSink({ url: collector.url, initialBackoffMillis: 1, maxBackoffMillis: 1, warnings: false });
  const tracer = createTracer({ serviceName: 'retry-after', sink, warnings: false });
  try {
    const ids = await recordSpans(tracer, 5);
    const result = await tracer.close({ timeoutMillis: 30_000 });
    assert.equal(result.complete, true);
    assert.equal(collector.requests.length, 2);
    // Retry-After: 1 is whole seconds; a 1 ms backoff alone would have come back at once.
    assert.ok(arrivals[1]! - arrivals[0]! >= 990, `retried after ${arrivals[1]! - arrivals[0]!} ms`);
    for (const id of ids) assert.equal(collector.accepted.get(id), 1);
    assert.equal(sink.stats().retried, 5);
    assert.match(sink.stats().lastError ?? '', /HTTP 429 \(slow down\)/);
  } finally {
    await collector.stop();
  }
});
