import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, extractB3, memorySink } from '../src/index.js';
import { assertZipkinSpan } from './helpers/zipkin-spec.js';

test('traceId128Bit: false gives 16-character trace IDs to new traces, sampled or not, and keeps a parent\'s 128-bit ID', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'short-ids', sink, traceId128Bit: false });
  await tracer.traced(async (span) => span.traced(() => 1)())();
  tracer.startSpan('from decision', { parent: extractB3({ b3: '1' }) }).end();
  const unsampled = tracer.startSpan('unsampled', { parent: extractB3({ b3: '0' }) });
  const long = '463ac35c9f6413ad48485a3953bb6124';
  tracer.startSpan('child of a 128-bit trace', { parent: extractB3({ b3: `${long}-a2fb4a1d1a96d312-1` }) }).end();
  await tracer.flush();

  assert.match(unsampled.b3Headers()['x-b3-traceid']!, /^[0-9a-f]{16}$/);
  assert.equal(sink.spans.length, 4);
  for (const s of sink.spans.slice(0, 3)) assert.match(s.traceId, /^[0-9a-f]{16}$/);
  assert.equal(sink.spans[3]!.traceId, long);
  for (const s of sink.spans) assertZipkinSpan(s);

  // The default is 128-bit.
  const wide = memorySink();
  const t128 = createTracer({ serviceName: 'long-ids', sink: wide });
  await t128.traced(() => 1)();
  await t128.flush();
  assert.match(wide.spans[0]!.traceId, /^[0-9a-f]{32}$/);
});
