// Services moving from zipkin-js hand over its TraceId as the parent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import zipkin from 'zipkin';
import { createTracer, memorySink } from '../src/index.js';
import { assertZipkinSpan } from './helpers/zipkin-spec.js';

const TRACE = '463ac35c9f6413ad48485a3953bb6124';
const SPAN = 'a2fb4a1d1a96d312';
const PARENT = '0020000000000001';

test('a zipkin-js TraceId works as a parent: its trace, its span as parent, its sampling and debug flags', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'migrating', sink, sampleRate: 0 });
  const sampled = new zipkin.TraceId({ traceId: TRACE, spanId: SPAN, parentId: new zipkin.option.Some(PARENT), sampled: new zipkin.option.Some(true) });
  const unsampled = new zipkin.TraceId({ traceId: TRACE, spanId: SPAN, sampled: new zipkin.option.Some(false) });
  const debug = new zipkin.TraceId({ traceId: TRACE, spanId: SPAN, debug: true });

  await tracer.traced(() => 'child', { parent: sampled, name: 'child' })();
  tracer.startSpan('joined', { kind: 'SERVER', parent: sampled, join: true }).end();
  await tracer.traced(() => 'nothing', { parent: unsampled, name: 'unsampled' })();
  await tracer.traced(() => 'debug', { parent: debug, name: 'debug' })();
  await tracer.flush();

  assert.deepEqual(sink.spans.map((s) => s.name), ['child', 'joined', 'debug']);
  const [child, joined, dbg] = sink.spans;
  assert.equal(child!.traceId, TRACE);
  assert.equal(child!.parentId, SPAN);
  assert.notEqual(child!.id, SPAN);
  assert.deepEqual([joined!.traceId, joined!.id, joined!.parentId, joined!.shared], [TRACE, SPAN, PARENT, true]);
  assert.equal(dbg!.debug, true);
  assert.equal(dbg!.parentId, SPAN);
  for (const s of sink.spans) assertZipkinSpan(s);
  assert.equal(tracer.stats().unsampled, 1);
});
