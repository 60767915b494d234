// One span too large to send (or to encode at all) must not crash the process or stop the sink:
// it is dropped, counted as rejected and reported, and every other span still reaches the real Zipkin.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink, type DiagnosticEvent, type SpanRecord } from '../src/index.js';
import { getTrace, requireZipkinUrl, waitFor, zipkinSkip } from './helpers/zipkin.js';

const big = 'x'.repeat(32_768);

test('a span past maxBatchBytes and a record that cannot be encoded are dropped as rejected, reported once each, and the other spans are delivered to Zipkin', { skip: zipkinSkip() }, async () => {
  const events: DiagnosticEvent[] = [];
  const sink = zipkinHttpSink({ url: `${requireZipkinUrl()}/api/v2/spans`, warnings: false, onError: (e) => events.push(e) });
  const tracer = createTracer({ serviceName: 'oversized', sink, warnings: false, maxTagsPerSpan: 1000 });
  const root = tracer.startSpan('root');
  // 200 tags of 32 KB: about 6.5 MB of JSON, past the default maxBatchBytes (5,000,000).
  const huge = tracer.startSpan('huge', { parent: root });
  for (let i = 0; i < 200; i++) huge.tag(`t${i}`, big);
  huge.end();
  const work = tracer.traced(async () => undefined, { name: 'small', parent: root });
  for (let i = 0; i < 100; i++) await work();
  root.end();
  // A foreign record (a custom producer's) whose getter throws while it is encoded.
  const poison = {
    traceId: root.context.traceId, id: 'aaaaaaaaaaaaaaab', parentId: undefined, name: 'poison', kind: undefined,
    timestamp: Date.now() * 1000, duration: 1, localEndpoint: { serviceName: 'oversized' }, remoteEndpoint: undefined,
    annotations: [], debug: false, shared: false,
    get tags(): Record<string, string> {
      throw new RangeError('Invalid string length');
    },
  } satisfies SpanRecord;
  sink.write([poison]);

  const result = await tracer.close({ timeoutMillis: 20_000 });
  const s = tracer.stats();
  assert.equal(s.dropped.rejected, 2, JSON.stringify(s));
  assert.equal(s.sent, 101, 'the 100 small spans and the root');
  assert.equal(result.pending, 0);
  assert.equal(events.filter((e) => e.kind === 'SPAN_TOO_LARGE').length, 2);
  assert.match(events[0]!.message, /"huge"\) encodes to \d+ bytes, more than maxBatchBytes \(5000000\)/);
  assert.equal(s.failures.SPAN_TOO_LARGE, 2);
  const trace = await waitFor(() => getTrace(root.context.traceId), (spans) => spans.length >= 101, { description: 'the delivered spans' });
  assert.equal(trace.filter((x) => x.name === 'huge').length, 0);
});

test('a POST over Zipkin’s 10 MiB body limit (answered 500 with 413) is split, not retried until it expires', { skip: zipkinSkip() }, async () => {
  const events: DiagnosticEvent[] = [];
  const sink = zipkinHttpSink({ url: `${requireZipkinUrl()}/api/v2/spans`, maxBatchBytes: 40_000_000, maxRetries: 1, initialBackoffMillis: 1, warnings: false, onError: (e) => events.push(e) });
  const tracer = createTracer({ serviceName: 'over-10mib', sink, warnings: false });
  const root = tracer.startSpan('root');
  const work = tracer.traced(async (span) => {
    for (let i = 0; i < 20; i++) span.tag(`t${i}`, big);
  }, { name: 'fat', parent: root });
  // 24 spans of about 650 KB: one 15 MB batch, past Zipkin's limit; each half (7.8 MB) fits.
  for (let i = 0; i < 24; i++) await work();
  root.end();
  await tracer.close({ timeoutMillis: 30_000 });
  const s = tracer.stats();
  assert.equal(s.sent, 25, `${JSON.stringify(s)} ${events.map((e) => e.message.slice(0, 200)).join(' | ')}`);
  assert.equal(s.retried, 0, 'a too-large answer is split, not retried');
  assert.equal(s.dropped.expired + s.dropped.rejected, 0);
});
