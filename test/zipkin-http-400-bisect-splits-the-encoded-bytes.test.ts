// The sink keeps no records once a batch is encoded: a 400 bisect splits the batch's bytes where
// a span ends. Tags full of what could fool a JSON scanner (quotes, backslashes, braces, brackets,
// commas, `"traceId":`, non-ASCII) must not move a cut.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { createTracer, zipkinHttpSink, type DiagnosticEvent } from '../src/index.js';
import { fakeCollector } from './fixtures/http-collector.js';

const tricky = fc.array(fc.constantFrom('"', '\\', '{', '}', '[', ']', ',', ':', '"traceId":', '\\"', 'é', '😀', '\n', '\u0000', 'a', ' '), { maxLength: 40 }).map((parts) => parts.join(''));

test('a 400 bisect over encoded bytes drops exactly the rejected spans, whatever their tags hold', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.record({ value: tricky, poisoned: fc.boolean() }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 64 }), async (spans, batch) => {
      // Zipkin stand-in: a request holding any poisoned span is refused with a 400.
      const collector = await fakeCollector((r) => (r.spans.some((s) => s.tags?.poison === 'yes') ? { status: 400, body: 'a poisoned span' } : { status: 202 }));
      const events: DiagnosticEvent[] = [];
      const sink = zipkinHttpSink({ url: collector.url, maxBatchSpans: batch, flushIntervalMillis: 0, warnings: false, onError: (e) => events.push(e) });
      const tracer = createTracer({ serviceName: 'bisect-bytes', sink, warnings: false });
      try {
        const ids: Array<{ id: string; value: string; poisoned: boolean }> = [];
        const work = tracer.traced(async (span, value: string, poisoned: boolean) => {
          ids.push({ id: span.context.spanId, value, poisoned });
          span.tag('value', value);
          if (poisoned) span.tag('poison', 'yes');
        });
        await Promise.all(spans.map((s) => work(s.value, s.poisoned)));
        const result = await tracer.close({ timeoutMillis: 30_000 });
        const poisoned = spans.filter((s) => s.poisoned).length;
        const s = sink.stats();
        // complete: everything delivered and nothing dropped.
        assert.equal(result.complete, poisoned === 0);
        assert.equal(result.pending, 0);
        assert.equal(s.sent, spans.length - poisoned);
        assert.deepEqual(s.dropped, { queueFull: 0, rejected: poisoned, expired: 0, sinkFailed: 0 });
        for (const x of ids) {
          assert.equal(collector.accepted.get(x.id) ?? 0, x.poisoned ? 0 : 1, `span ${x.id} (${JSON.stringify(x.value)})`);
        }
        // Every accepted span arrived whole, its tag as recorded.
        const byId = new Map(ids.map((x) => [x.id, x.value]));
        for (const r of collector.requests) for (const span of r.spans) assert.equal(span.tags?.value ?? '', byId.get(span.id));
        assert.equal(events.filter((e) => e.kind === 'ZIPKIN_REJECTED').length, poisoned);
      } finally {
        await collector.stop();
      }
    }),
    { numRuns: 25 },
  );
});
