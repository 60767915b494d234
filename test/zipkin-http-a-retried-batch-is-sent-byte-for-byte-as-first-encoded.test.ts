// The HTTP sink sends the encoder's own buffer (no copy) and gives it back once the batch is done:
// a batch that is retried while later batches are encoded and sent must go again exactly as it
// went the first time, and no two batches may ever share bytes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink } from '../src/index.js';
import { fakeCollector } from './fixtures/http-collector.js';

test('a batch answered 503 goes again byte for byte while other batches are encoded and sent meanwhile, and every span arrives once', async () => {
  const firstBodies = new Map<string, string>(); // first span ID → body
  let retriedSame = 0;
  const collector = await fakeCollector((req) => {
    const key = req.spans[0]!.id;
    const before = firstBodies.get(key);
    if (before === undefined) {
      firstBodies.set(key, req.body);
      // Every third batch fails once: it waits for its backoff while the others go.
      return req.n % 3 === 0 ? { status: 503 } : { status: 202 };
    }
    assert.equal(req.body, before, 'a retry sends the very bytes of the first attempt');
    retriedSame++;
    return { status: 202 };
  });
  try {
    const tracer = createTracer({
      serviceName: 'lent-bytes',
      sink: zipkinHttpSink({ url: collector.url, maxBatchSpans: 200, maxInFlight: 4, initialBackoffMillis: 20, maxBackoffMillis: 40, jitter: 0 }),
    });
    const root = tracer.startSpan('job');
    const step = root.traced(async (span, i: number) => span.tag('http.path', `/objects/${i}/${'p'.repeat(i % 97)}`), { name: 'item', kind: 'CLIENT' });
    const N = 20_000;
    for (let i = 0; i < N; i += 1000) await Promise.all(Array.from({ length: 1000 }, (_, k) => step(i + k)));
    root.end();
    await tracer.close();
    const stats = tracer.stats();
    assert.equal(stats.sent, N + 1);
    assert.ok(retriedSame > 10, `batches were retried (${retriedSame})`);
    assert.equal(collector.accepted.size, N + 1, 'every span accepted');
    for (const [id, times] of collector.accepted) assert.equal(times, 1, `span ${id} accepted once`);
    // Each span's tag is its own: no body holds bytes of another batch.
    for (const r of collector.requests) for (const s of r.spans) if (s.name === 'item') assert.match(s.tags!['http.path']!, /^\/objects\/(\d+)\/p*$/);
  } finally {
    await collector.stop();
  }
});
