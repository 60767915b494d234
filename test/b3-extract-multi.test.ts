import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractB3 } from '../src/propagation/b3.js';

// IDs from the spec's multiple-header examples.
const TRACE_128 = '463ac35c9f6413ad48485a3953bb6124';
const SPAN = 'a2fb4a1d1a96d312';
const PARENT = '0020000000000001';

test('the spec example headers X-B3-TraceId, X-B3-SpanId, X-B3-ParentSpanId and X-B3-Sampled: 1 give a sampled child context', () => {
  assert.deepEqual(
    extractB3({ 'X-B3-TraceId': TRACE_128, 'X-B3-SpanId': SPAN, 'X-B3-ParentSpanId': PARENT, 'X-B3-Sampled': '1' }),
    { traceId: TRACE_128, spanId: SPAN, parentId: PARENT, sampled: true, debug: false, shared: false },
  );
});

test('the spec single-header conversion example reads the same from its multiple-header form', () => {
  assert.deepEqual(
    extractB3({
      'X-B3-TraceId': '80f198ee56343ba864fe8b2a57d3eff7',
      'X-B3-ParentSpanId': '05e3ac9a4f6e3b90',
      'X-B3-SpanId': 'e457b5a2e4d86bd1',
      'X-B3-Sampled': '1',
    }),
    extractB3({ b3: '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90' }),
  );
});

test('trace and span IDs sent alone give a root context whose sampling decision is deferred', () => {
  assert.deepEqual(extractB3({ 'X-B3-TraceId': TRACE_128, 'X-B3-SpanId': SPAN }), {
    traceId: TRACE_128, spanId: SPAN, sampled: undefined, debug: false, shared: false,
  });
});

test('a 64-bit trace ID of 16 characters is kept as 16 characters, not padded', () => {
  const ctx = extractB3({ 'x-b3-traceid': '48485a3953bb6124', 'x-b3-spanid': SPAN, 'x-b3-sampled': '1' });
  assert.equal(ctx?.traceId, '48485a3953bb6124');
});

test('X-B3-Sampled: 0 with IDs gives an unsampled context that keeps its IDs', () => {
  assert.deepEqual(extractB3({ 'x-b3-traceid': TRACE_128, 'x-b3-spanid': SPAN, 'x-b3-sampled': '0' }), {
    traceId: TRACE_128, spanId: SPAN, sampled: false, debug: false, shared: false,
  });
});

test('X-B3-Flags: 1 with IDs marks the context debug and therefore sampled', () => {
  assert.deepEqual(extractB3({ 'x-b3-traceid': TRACE_128, 'x-b3-spanid': SPAN, 'x-b3-flags': '1' }), {
    traceId: TRACE_128, spanId: SPAN, sampled: true, debug: true, shared: false,
  });
});

test('debug wins over a contradictory X-B3-Sampled: 0 because debug implies accept', () => {
  const ctx = extractB3({ 'x-b3-traceid': TRACE_128, 'x-b3-spanid': SPAN, 'x-b3-sampled': '0', 'x-b3-flags': '1' });
  assert.equal(ctx?.sampled, true);
  assert.equal(ctx?.debug, true);
});

test('X-B3-Flags values other than 1 are ignored as the spec allows', () => {
  for (const flags of ['0', '2', '', 'debug']) {
    assert.deepEqual(extractB3({ 'x-b3-traceid': TRACE_128, 'x-b3-spanid': SPAN, 'x-b3-flags': flags }), {
      traceId: TRACE_128, spanId: SPAN, sampled: undefined, debug: false, shared: false,
    }, `X-B3-Flags: ${JSON.stringify(flags)}`);
  }
});

test('the legacy X-B3-Sampled values true and false are accepted leniently, in any case', () => {
  for (const [sampled, expected] of [['true', true], ['false', false], ['True', true], ['FALSE', false]] as const) {
    assert.equal(extractB3({ 'x-b3-traceid': TRACE_128, 'x-b3-spanid': SPAN, 'x-b3-sampled': sampled })?.sampled, expected);
  }
});

test('X-B3-Sampled: 0 alone is a valid deny decision without IDs, as in the spec health-check example', () => {
  assert.deepEqual(extractB3({ 'X-B3-Sampled': '0' }), { sampled: false, debug: false, shared: false });
});

test('X-B3-Sampled: 1 alone is a valid accept decision without IDs', () => {
  assert.deepEqual(extractB3({ 'X-B3-Sampled': '1' }), { sampled: true, debug: false, shared: false });
});

test('X-B3-Flags: 1 alone is a valid debug decision without IDs', () => {
  assert.deepEqual(extractB3({ 'X-B3-Flags': '1' }), { sampled: true, debug: true, shared: false });
});

test('headers without any B3 header give undefined', () => {
  assert.equal(extractB3({}), undefined);
  assert.equal(extractB3({ host: 'example.com', accept: '*/*' }), undefined);
});

test('header names match whatever their case in a plain object', () => {
  const expected = { traceId: TRACE_128, spanId: SPAN, parentId: PARENT, sampled: true, debug: false, shared: false };
  assert.deepEqual(extractB3({ 'X-B3-TRACEID': TRACE_128, 'x-B3-spanId': SPAN, 'X-b3-ParentSpanID': PARENT, 'X-B3-SAMPLED': '1' }), expected);
});

test('lowercase names, as in Node IncomingHttpHeaders and gRPC metadata, are read', () => {
  assert.deepEqual(
    extractB3({ 'x-b3-traceid': TRACE_128, 'x-b3-spanid': SPAN, 'x-b3-parentspanid': PARENT }),
    { traceId: TRACE_128, spanId: SPAN, parentId: PARENT, sampled: undefined, debug: false, shared: false },
  );
});

test('a WHATWG Headers object is read case-insensitively', () => {
  const headers = new Headers({ 'X-B3-TraceId': TRACE_128, 'X-B3-SpanId': SPAN, 'X-B3-Sampled': '1' });
  assert.deepEqual(extractB3(headers), { traceId: TRACE_128, spanId: SPAN, sampled: true, debug: false, shared: false });
});

test('a Map is read with keys in any case and array values', () => {
  const headers = new Map<string, string | string[]>([['X-B3-TraceId', TRACE_128], ['x-b3-SpanId', [SPAN]], ['X-B3-Sampled', '0']]);
  assert.deepEqual(extractB3(headers), { traceId: TRACE_128, spanId: SPAN, sampled: false, debug: false, shared: false });
});

test('for an array value the first value wins', () => {
  const ctx = extractB3({ 'x-b3-traceid': [TRACE_128, 'ffffffffffffffff'], 'x-b3-spanid': SPAN, 'x-b3-sampled': ['0', '1'] });
  assert.equal(ctx?.traceId, TRACE_128);
  assert.equal(ctx?.sampled, false);
});

test('for a comma-joined repeated header, as WHATWG Headers and Node produce, the first value wins', () => {
  const headers = new Headers();
  headers.append('x-b3-traceid', TRACE_128);
  headers.append('x-b3-spanid', SPAN);
  headers.append('x-b3-sampled', '1');
  headers.append('x-b3-sampled', '0');
  assert.equal(extractB3(headers)?.sampled, true);
  assert.equal(extractB3({ 'x-b3-traceid': TRACE_128, 'x-b3-spanid': `${SPAN}, ffffffffffffffff` })?.spanId, SPAN);
});
