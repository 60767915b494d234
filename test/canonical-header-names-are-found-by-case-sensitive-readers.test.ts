// Case-sensitive carriers (py_zipkin looks up 'X-B3-TraceId' in a plain dict; some message
// consumers too): span.headers({ case: 'canonical' }) writes the names they look for.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, extractB3, memorySink } from '../src/index.js';

/** What py_zipkin's request-header reading does: plain dict lookups, exact names. */
function readLikePyZipkin(headers: Record<string, string>): { traceId?: string; spanId?: string; parentSpanId?: string; sampled?: string } {
  return {
    ...(headers['X-B3-TraceId'] !== undefined && { traceId: headers['X-B3-TraceId'] }),
    ...(headers['X-B3-SpanId'] !== undefined && { spanId: headers['X-B3-SpanId'] }),
    ...(headers['X-B3-ParentSpanId'] !== undefined && { parentSpanId: headers['X-B3-ParentSpanId'] }),
    ...(headers['X-B3-Sampled'] !== undefined && { sampled: headers['X-B3-Sampled'] }),
  };
}

test('canonical names are found by a case-sensitive lookup; lowercase ones are not', () => {
  const tracer = createTracer({ serviceName: 'svc', sink: memorySink() });
  const parent = tracer.startSpan('parent');
  const span = tracer.startSpan('call', { parent });
  const carrier: Record<string, string> = { ...span.headers({ case: 'canonical' }) };
  assert.deepEqual(readLikePyZipkin(carrier), { traceId: span.context.traceId, spanId: span.context.spanId, parentSpanId: parent.context.spanId, sampled: '1' });
  assert.deepEqual(readLikePyZipkin({ ...span.headers() }), {}, 'the measured failure: lowercase names are not found');
  // Our own reader takes either.
  assert.equal(extractB3(carrier)?.spanId, span.context.spanId);
});

test('canonical W3C names stay lowercase, as the spec recommends', () => {
  const tracer = createTracer({ serviceName: 'svc', sink: memorySink(), propagation: ['b3', 'w3c'] });
  const names = Object.keys(tracer.startSpan('x').headers({ case: 'canonical' })).sort();
  assert.deepEqual(names, ['X-B3-Sampled', 'X-B3-SpanId', 'X-B3-TraceId', 'traceparent']);
});
