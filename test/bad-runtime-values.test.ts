// Zipkin rejects a whole batch for one bad span, so a bad value from a caller must be dropped or
// coerced, and reported once where it was given, never once per span.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, memorySink, type DiagnosticEvent, type Endpoint } from '../src/index.js';
import { assertZipkinSpan } from './helpers/zipkin-spec.js';

const CALLS = 100;

test('bad values given when a function is wrapped are cleaned once and reported once, not once per span', async () => {
  const sink = memorySink();
  const events: DiagnosticEvent[] = [];
  const tracer = createTracer({ serviceName: 'bad-values', sink, warnings: false, onError: (e) => events.push(e) });
  const call = tracer.traced(() => 'ok', {
    name: '',
    kind: 'CLIENT',
    remoteEndpoint: { serviceName: 'Object-Server', ipv4: '999.0.0.1', ipv6: 'not-an-ip', port: Number.NaN },
    tags: { object: { a: 1 }, symbol: Symbol('s') as unknown as string, fine: 'yes' },
  });
  const zeroPort = tracer.traced(function zeroPort() {
    return 'ok';
  }, { remoteEndpoint: { ipv4: '10.0.0.1', port: 0 } });
  for (let i = 0; i < CALLS; i++) {
    await call();
    await zeroPort();
  }
  await tracer.flush();

  assert.equal(sink.spans.length, 2 * CALLS);
  for (const s of sink.spans) assertZipkinSpan(s);
  const first = sink.spans[0]!;
  assert.equal(first.name, 'traced', 'an empty name falls back to the function name, else "traced"');
  assert.deepEqual(first.remoteEndpoint, { serviceName: 'object-server' });
  assert.deepEqual(first.tags, { object: '{"a":1}', fine: 'yes' });
  assert.deepEqual(sink.spans[1]!.remoteEndpoint, { ipv4: '10.0.0.1' });
  assert.equal(sink.spans[1]!.name, 'zeroPort');

  // One event per bad field, at wrap time: none from the 200 calls.
  assert.deepEqual(events.map((e) => e.kind).sort(), [
    'BAD_ENDPOINT', // ipv4
    'BAD_ENDPOINT', // ipv6
    'BAD_ENDPOINT', // NaN port
    'BAD_ENDPOINT', // zero port
    'BAD_NAME',
    'BAD_TAG_VALUE', // symbol
    'TAG_VALUE_COERCED', // object
  ]);
});

test('bad values given per span never produce an invalid span, and are counted', async () => {
  const sink = memorySink();
  const events: DiagnosticEvent[] = [];
  const tracer = createTracer({ serviceName: 'bad-values', sink, warnings: false, onError: (e) => events.push(e) });
  const call = tracer.traced((span) => {
    span.tag('symbol', Symbol('s'));
    span.tag('object', { b: 2 });
    span.tag('', 'no key');
    span.setRemoteEndpoint({ serviceName: 'peer', port: 0, ipv4: '1.2.3', ipv6: '[2001:db8::1]' } as Endpoint);
    span.annotate('', 1);
    span.annotate('bad time', Number.NaN);
  }, { name: 'per span' });
  for (let i = 0; i < CALLS; i++) await call();
  const started = tracer.startSpan('', { startTimestamp: -5 });
  started.end();
  await tracer.flush();

  assert.equal(sink.spans.length, CALLS + 1);
  for (const s of sink.spans) assertZipkinSpan(s);
  const s = sink.spans[0]!;
  assert.deepEqual(s.tags, { object: '{"b":2}' });
  assert.deepEqual(s.remoteEndpoint, { serviceName: 'peer', ipv6: '2001:db8::1' });
  assert.deepEqual(s.annotations?.map((a) => a.value), ['bad time']);
  assert.equal(sink.spans[CALLS]!.name, 'span');

  const failures = tracer.stats().failures;
  assert.equal(failures.BAD_TAG_VALUE, CALLS);
  assert.equal(failures.BAD_TAG_KEY, CALLS);
  assert.equal(failures.TAG_VALUE_COERCED, CALLS);
  assert.equal(failures.BAD_ENDPOINT, 2 * CALLS);
  assert.equal(failures.BAD_ANNOTATION, 2 * CALLS);
  assert.equal(failures.BAD_NAME, 1);
  assert.equal(failures.BAD_TIMESTAMP, 1);
  assert.equal(events.length, Object.values(failures).reduce((a, b) => a + b, 0));
});
