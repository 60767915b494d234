import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink } from '../src/index.js';
import { fakeCollector } from './fixtures/http-collector.js';
import { recordSpans } from './fixtures/http-spans.js';

test('a collector answering 500 to 30% of requests still receives every span, and retried counts the spans sent again', async () => {
  // Requests 1, 4, 7, 11, 14, 17, …: three in every ten fail.
  const collector = await fakeCollector((r) => ([1, 4, 7].includes(r.n % 10) ? { status: 500, body: 'storage hiccup' } : { status: 202 }));
  const sink = zipkinHttpSink({ url: collector.url, maxBatchSpans: 50, initialBackoffMillis: 1, maxBackoffMillis: 20, maxRetries: 50, warnings: false });
  const tracer = createTracer({ serviceName: 'five-hundreds', sink, warnings: false });
  try {
    const ids = await recordSpans(tracer, 5000, 50);
    const result = await tracer.close({ timeoutMillis: 60_000 });
    assert.equal(result.complete, true);
    assert.equal(result.pending, 0);

    const failedSpans = collector.requests.filter((r) => [1, 4, 7].includes(r.n % 10)).reduce((n, r) => n + r.spans.length, 0);
    const failures = collector.requests.filter((r) => [1, 4, 7].includes(r.n % 10)).length;
    assert.ok(failures / collector.requests.length >= 0.25, `${failures} of ${collector.requests.length} requests failed`);
    for (const id of ids) assert.equal(collector.accepted.get(id), 1, `span ${id} was accepted exactly once`);

    const s = sink.stats();
    assert.equal(s.sent, 5000);
    assert.equal(s.retried, failedSpans, 'every span of a failed request was sent again, once per failure');
    assert.deepEqual(s.dropped, { queueFull: 0, rejected: 0, expired: 0, sinkFailed: 0 });
    assert.match(s.lastError ?? '', /HTTP 500 \(storage hiccup\)/);
  } finally {
    await collector.stop();
  }
});
