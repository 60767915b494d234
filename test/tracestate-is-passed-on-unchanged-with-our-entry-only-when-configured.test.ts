// A trace's tracestate travels with it: spans pass it on as received; with tracestateKey this
// service's entry goes first (W3C processing model: modified keys move to the left).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, memorySink, type DiagnosticEvent } from '../src/index.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const incoming = { traceparent: `00-${TRACE}-00f067aa0ba902b7-01`, tracestate: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE' };

test('spans and their children pass the tracestate on unchanged', async () => {
  const tracer = createTracer({ serviceName: 'svc', sink: memorySink(), propagation: ['w3c'] });
  const parent = tracer.extract(incoming);
  const span = tracer.startSpan('x', { parent });
  assert.equal(span.headers().tracestate, incoming.tracestate);
  assert.equal(span.context.tracestate, incoming.tracestate);
  const child = await span.traced(async (c) => c.headers())();
  assert.equal(child.tracestate, incoming.tracestate);
  const grandchild = tracer.startSpan('y', { parent: tracer.startSpan('z', { parent: span }) });
  assert.equal(grandchild.headers().tracestate, incoming.tracestate);
  assert.equal(tracer.startSpan('root').headers().tracestate, undefined, 'a new trace has none');
  // The random-trace-id flag belongs to the trace ID: kept as received (unset here).
  assert.match(span.headers().traceparent ?? '', /-01$/);
});

test('with tracestateKey our entry is added first, or moved to the front with the new span ID', () => {
  const tracer = createTracer({ serviceName: 'svc', sink: memorySink(), propagation: ['w3c'], tracestateKey: 'ds' });
  const span = tracer.startSpan('x', { parent: tracer.extract(incoming) });
  const id = span.context.spanId;
  assert.equal(span.headers().tracestate, `ds=${id},rojo=00f067aa0ba902b7,congo=t61rcWkgMzE`);
  const again = tracer.startSpan('y', { parent: tracer.extract({ traceparent: incoming.traceparent, tracestate: 'rojo=1,ds=0000000000000001,congo=2' }) });
  assert.equal(again.headers().tracestate, `ds=${again.context.spanId},rojo=1,congo=2`);
  const full = Array.from({ length: 32 }, (_, i) => `k${i}=v`).join(',');
  const capped = tracer.startSpan('z', { parent: tracer.extract({ traceparent: incoming.traceparent, tracestate: full }) }).headers().tracestate ?? '';
  assert.equal(capped.split(',').length, 32, 'at most 32 members: the right-most goes');
  assert.ok(capped.startsWith('ds=') && !capped.includes('k31='));
  assert.equal(tracer.startSpan('root').headers().tracestate?.startsWith('ds='), true, 'a new trace starts one');
});

test('a tracestate given in code is checked like one from a header: an invalid one never reaches headers', () => {
  const events: DiagnosticEvent[] = [];
  const tracer = createTracer({ serviceName: 'svc', sink: memorySink(), propagation: ['w3c'], onError: (e) => void events.push(e), warnings: false });
  const span = tracer.startSpan('x', { parent: { traceId: TRACE, spanId: '00f067aa0ba902b7', sampled: true, debug: false, tracestate: 'rojo=1\r\nx-injected: yes' } as never });
  assert.equal(span.headers().tracestate, undefined);
  assert.equal(events[0]?.kind, 'BAD_PARENT');
  assert.match(events[0]?.message ?? '', /tracestate is not valid W3C tracestate/);
});

test('a huge tracestate is cut to whole entries, long ones first, as the spec asks', () => {
  const tracer = createTracer({ serviceName: 'svc', sink: memorySink(), propagation: ['w3c'] });
  const long = `big=${'x'.repeat(200)}`;
  const many = Array.from({ length: 30 }, (_, i) => `key${i}=${'v'.repeat(40)}`);
  const got = tracer.extract({ traceparent: incoming.traceparent, tracestate: [many[0], long, ...many.slice(1)].join(',') })?.tracestate ?? '';
  assert.ok(got.length <= 1024, `${got.length} characters`);
  assert.ok(!got.includes('big='), 'the entry over 128 characters went first');
  assert.ok(got.startsWith('key0=') && got.includes('key1='), 'then entries from the end');
  for (const member of got.split(',')) assert.match(member, /^key\d+=v{40}$/, 'only whole entries');
});
