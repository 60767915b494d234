import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink } from '../src/index.js';
import { getTraces, requireZipkinUrl, uniqueServiceName, waitFor, zipkinSkip, type ZipkinSpanJson } from './helpers/zipkin.js';

const CALLERS = 1000;
const SPANS_PER_CALLER = 100;

test('100,000 spans from 1,000 concurrent callers all reach Zipkin with none dropped, and close() returns only after they are delivered', { skip: zipkinSkip(), timeout: 300_000 }, async (t) => {
  const serviceName = uniqueServiceName('volume');
  // The sink's defaults: the volume must fit them.
  const sink = zipkinHttpSink({ url: `${requireZipkinUrl()}/api/v2/spans` });
  const tracer = createTracer({ serviceName, sink });
  const since = Date.now();
  const started = performance.now();

  // Each caller is one trace: a root span and 99 children, made one after another.
  await Promise.all(
    Array.from({ length: CALLERS }, async (_, caller) => {
      const root = tracer.startSpan('caller', { tags: { caller } });
      const step = root.traced(async (span, i: number) => void span.tag('i', i), { name: 'step' });
      for (let i = 1; i < SPANS_PER_CALLER; i++) await step(i);
      root.end();
    }),
  );
  const recorded = performance.now();
  const closed = await tracer.close({ timeoutMillis: 120_000 });
  const delivered = performance.now();

  // close() resolved: everything has been answered by Zipkin already.
  assert.equal(closed.complete, true);
  assert.equal(closed.pending, 0);
  const s = tracer.stats();
  assert.equal(s.ended, CALLERS * SPANS_PER_CALLER);
  assert.equal(s.sent, CALLERS * SPANS_PER_CALLER);
  assert.deepEqual(s.dropped, { queueFull: 0, rejected: 0, expired: 0, sinkFailed: 0 });
  t.diagnostic(`recorded in ${Math.round(recorded - started)} ms, delivered ${Math.round(delivered - recorded)} ms later; retried ${s.retried}`);

  // Counted through Zipkin's own API.
  // Zipkin answers 202 before its storage has every span: poll until the counts settle.
  const count = (all: ZipkinSpanJson[][]): number => all.reduce((n, trace) => n + trace.length, 0);
  const traces = await waitFor(
    () => getTraces({ serviceName, limit: CALLERS * 2, endTs: Date.now() + 60_000, lookback: Date.now() - since + 120_000 }),
    (all) => count(all) >= CALLERS * SPANS_PER_CALLER,
    { timeoutMs: 30_000, intervalMs: 500, description: `${CALLERS * SPANS_PER_CALLER} spans of ${serviceName}` },
  );
  assert.equal(traces.length, CALLERS);
  const ids = new Set<string>();
  let spans = 0;
  for (const trace of traces) {
    assert.equal(trace.length, SPANS_PER_CALLER);
    spans += trace.length;
    for (const span of trace) ids.add(`${span.traceId}/${span.id}`);
  }
  assert.equal(spans, CALLERS * SPANS_PER_CALLER);
  assert.equal(ids.size, CALLERS * SPANS_PER_CALLER);
});
