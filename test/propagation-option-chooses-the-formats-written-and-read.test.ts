// createTracer({ propagation }): which headers spans write, and which are read first on extract.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { b3Stats, createTracer, memorySink, OptionsError, w3cStats } from '../src/index.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const tracerWith = (propagation?: ('b3' | 'b3-single' | 'w3c')[]) =>
  createTracer({ serviceName: 'svc', sink: memorySink(), warnings: false, ...(propagation !== undefined && { propagation }) });

test('each format list writes exactly its headers', () => {
  const names = (p?: ('b3' | 'b3-single' | 'w3c')[]) => Object.keys(tracerWith(p).startSpan('x', { parent: { traceId: TRACE, spanId: '00f067aa0ba902b7', sampled: true, debug: false } }).headers()).sort();
  assert.deepEqual(names(), ['x-b3-parentspanid', 'x-b3-sampled', 'x-b3-spanid', 'x-b3-traceid']);
  assert.deepEqual(names(['b3-single']), ['b3']);
  assert.deepEqual(names(['w3c']), ['traceparent']);
  assert.deepEqual(names(['b3', 'w3c']), ['traceparent', 'x-b3-parentspanid', 'x-b3-sampled', 'x-b3-spanid', 'x-b3-traceid']);
  // b3Headers() stays B3 whatever the option.
  assert.deepEqual(Object.keys(tracerWith(['w3c']).startSpan('x').b3Headers()).sort(), ['x-b3-sampled', 'x-b3-spanid', 'x-b3-traceid']);
});

test('the headers of one span name the same trace and span in every format', () => {
  const span = tracerWith(['b3', 'w3c']).startSpan('x');
  const h = span.headers();
  assert.equal(h.traceparent, `00-${span.context.traceId}-${span.context.spanId}-03`);
  assert.equal(h['x-b3-spanid'], span.context.spanId);
  const s64 = createTracer({ serviceName: 'svc', sink: memorySink(), warnings: false, traceId128Bit: false, propagation: ['w3c'] }).startSpan('x');
  assert.equal(s64.headers().traceparent, `00-0000000000000000${s64.context.traceId}-${s64.context.spanId}-03`, 'a 64-bit trace ID is left-padded');
  const unsampled = createTracer({ serviceName: 'svc', sink: memorySink(), warnings: false, sampleRate: 0, propagation: ['w3c'] }).startSpan('x');
  assert.match(unsampled.headers().traceparent ?? '', /-02$/, 'not sampled, but our trace ID is random');
});

test('extract takes the first listed format present and valid, falling back past a malformed one', () => {
  const b3 = { 'x-b3-traceid': TRACE, 'x-b3-spanid': 'aaaaaaaaaaaaaaaa', 'x-b3-sampled': '1' };
  const w3c = { traceparent: `00-${TRACE}-bbbbbbbbbbbbbbbb-01` };
  assert.equal(tracerWith(['b3', 'w3c']).extract({ ...b3, ...w3c })?.spanId, 'aaaaaaaaaaaaaaaa');
  assert.equal(tracerWith(['w3c', 'b3']).extract({ ...b3, ...w3c })?.spanId, 'bbbbbbbbbbbbbbbb');
  assert.equal(tracerWith(['b3']).extract(w3c), undefined, 'a format not listed is not read');
  assert.equal(tracerWith(['w3c']).extract(b3), undefined);

  const b3Before = b3Stats().malformed;
  assert.equal(tracerWith(['b3', 'w3c']).extract({ ...w3c, 'x-b3-traceid': 'nonsense', 'x-b3-spanid': 'aaaaaaaaaaaaaaaa' })?.spanId, 'bbbbbbbbbbbbbbbb');
  assert.equal(b3Stats().malformed, b3Before + 1, 'the malformed B3 is counted');
  const w3cBefore = w3cStats().malformed;
  assert.equal(tracerWith(['w3c', 'b3']).extract({ ...b3, traceparent: 'nonsense' })?.spanId, 'aaaaaaaaaaaaaaaa');
  assert.equal(w3cStats().malformed, w3cBefore + 1, 'the malformed traceparent is counted');
  assert.equal(tracerWith(['b3-single']).extract({ b3: '0' })?.sampled, false, 'a sampling-only B3 decision');
});

test('B3 read first keeps the tracestate and random flag the W3C headers carry for the same span', () => {
  const c = tracerWith(['b3', 'w3c']).extract({ b3: `${TRACE}-aaaaaaaaaaaaaaaa-1`, traceparent: `00-${TRACE}-aaaaaaaaaaaaaaaa-03`, tracestate: 'rojo=1' });
  assert.equal(c?.spanId, 'aaaaaaaaaaaaaaaa');
  assert.equal(c?.tracestate, 'rojo=1');
  assert.equal(c?.randomTraceId, true);
  assert.equal(c?.propagation, undefined, 'a B3 context: a server may join it');
  const other = tracerWith(['b3', 'w3c']).extract({ b3: `${TRACE}-aaaaaaaaaaaaaaaa-1`, traceparent: `00-${TRACE}-cccccccccccccccc-01`, tracestate: 'rojo=1' });
  assert.equal(other?.tracestate, undefined, 'the W3C headers of another span say nothing of this one');
});

test('extract never throws, whatever the carrier', () => {
  const tracer = tracerWith(['b3', 'w3c']);
  const hostile = new Proxy({}, { ownKeys: () => { throw new Error('no'); }, get: () => { throw new Error('no'); } });
  for (const carrier of [null, undefined, 42, 'traceparent', hostile, { traceparent: 7 }, { traceparent: [] }, { [Symbol('x')]: 1 }]) {
    assert.doesNotThrow(() => tracer.extract(carrier as never));
    assert.equal(tracer.extract(carrier as never), undefined);
  }
});

test('bad propagation options throw naming the option and the fix', () => {
  const bad = (propagation: unknown, pattern: RegExp) =>
    assert.throws(() => createTracer({ serviceName: 'svc', sink: memorySink(), propagation } as never), (e: unknown) => e instanceof OptionsError && pattern.test(e.message));
  bad([], /propagation: expected a non-empty list of 'b3', 'b3-single', 'w3c'/);
  bad('w3c', /propagation: expected a non-empty list/);
  bad(['W3C'], /propagation\[0\]: .*\(write 'w3c'\)/);
  bad(['zipkin'], /propagation\[0\]: expected/);
  bad(['w3c', 'w3c'], /'w3c' is listed twice/);
  bad(['b3', 'b3-single'], /same format written two ways; keep one/);
  assert.throws(() => createTracer({ serviceName: 'svc', sink: memorySink(), tracestateKey: 'Bad Key' }), /tracestateKey: expected a W3C tracestate key/);
});
