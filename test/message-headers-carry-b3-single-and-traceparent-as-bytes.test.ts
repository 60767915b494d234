// Messages: a PRODUCER span writes B3 as the single `b3` header (as Brave does for messages),
// as Buffers when asked (Kafka's header values), and a CONSUMER reads them back from the shapes a
// Kafka client gives (kafkajs: { [name]: Buffer | string | (Buffer | string)[] | undefined }).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, extractB3, memorySink } from '../src/index.js';

test('a producer span sends b3 and traceparent as bytes; the consumer continues the trace', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'pipeline', sink, propagation: ['b3', 'w3c'] });
  const job = tracer.startSpan('job');
  const send = tracer.startSpan('send', { kind: 'PRODUCER', parent: job });
  const headers = send.headers({ encoding: 'bytes' });
  assert.deepEqual(Object.keys(headers).sort(), ['b3', 'traceparent']);
  assert.ok(Object.values(headers).every((v) => Buffer.isBuffer(v)));
  assert.equal(headers.b3?.toString(), `${send.context.traceId}-${send.context.spanId}-1-${job.context.spanId}`);
  send.end();

  // As a consumer receives them: Buffers, keys maybe in other cases, a value maybe repeated.
  const received: Record<string, Buffer | string | (Buffer | string)[] | undefined> = { B3: headers.b3, traceparent: [headers.traceparent as Buffer], other: 'x', empty: undefined };
  const parent = tracer.extract(received);
  assert.equal(parent?.spanId, send.context.spanId);
  const consume = tracer.startSpan('consume', { kind: 'CONSUMER', parent });
  consume.end();
  job.end();
  await tracer.flush();
  const consumed = sink.spans.find((s) => s.name === 'consume');
  assert.equal(consumed?.parentId, send.context.spanId, 'the consumer span is a child of the producer span');
  assert.equal(consumed?.traceId, job.context.traceId);
  assert.equal(extractB3({ b3: new Uint8Array(headers.b3 as Buffer) })?.spanId, send.context.spanId, 'Uint8Array values too');
});

test('multi headers for messages when asked, and canonical names as bytes', () => {
  const tracer = createTracer({ serviceName: 'pipeline', sink: memorySink() });
  const send = tracer.startSpan('send', { kind: 'PRODUCER' });
  assert.deepEqual(Object.keys(send.headers({ b3: 'multi' })).sort(), ['x-b3-sampled', 'x-b3-spanid', 'x-b3-traceid']);
  const canonical = send.headers({ b3: 'multi', case: 'canonical', encoding: 'bytes' });
  assert.equal(canonical['X-B3-SpanId']?.toString(), send.context.spanId);
  assert.deepEqual(Object.keys(tracer.startSpan('local').headers()).length, 3, 'other spans write multi headers by default');
});
