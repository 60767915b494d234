import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractB3 } from '../src/propagation/b3.js';

// IDs from the spec's single-header examples.
const TRACE = '80f198ee56343ba864fe8b2a57d3eff7';
const SPAN = 'e457b5a2e4d86bd1';
const PARENT = '05e3ac9a4f6e3b90';

test('the spec example b3 with trace ID, span ID, accept and parent ID gives a sampled child context', () => {
  assert.deepEqual(extractB3({ b3: `${TRACE}-${SPAN}-1-${PARENT}` }), {
    traceId: TRACE, spanId: SPAN, parentId: PARENT, sampled: true, debug: false, shared: false,
  });
});

test('the spec example b3 with trace ID, span ID and accept gives a sampled root context', () => {
  assert.deepEqual(extractB3({ b3: `${TRACE}-${SPAN}-1` }), {
    traceId: TRACE, spanId: SPAN, sampled: true, debug: false, shared: false,
  });
});

test('the spec example debug b3 ending in -d gives a debug context, which is sampled', () => {
  assert.deepEqual(extractB3({ b3: `${TRACE}-${SPAN}-d` }), {
    traceId: TRACE, spanId: SPAN, sampled: true, debug: true, shared: false,
  });
});

test('a deny state 0 with IDs gives an unsampled context that keeps its IDs', () => {
  assert.deepEqual(extractB3({ b3: `${TRACE}-${SPAN}-0-${PARENT}` }), {
    traceId: TRACE, spanId: SPAN, parentId: PARENT, sampled: false, debug: false, shared: false,
  });
});

test('b3 with only trace and span IDs defers the sampling decision', () => {
  assert.deepEqual(extractB3({ b3: `${TRACE}-${SPAN}` }), {
    traceId: TRACE, spanId: SPAN, sampled: undefined, debug: false, shared: false,
  });
});

test('b3 with trace, span and parent IDs but no sampling state defers the decision and keeps the parent', () => {
  assert.deepEqual(extractB3({ b3: `${TRACE}-${SPAN}-${PARENT}` }), {
    traceId: TRACE, spanId: SPAN, parentId: PARENT, sampled: undefined, debug: false, shared: false,
  });
});

test('a 64-bit trace ID of 16 characters is kept as 16 characters, not padded', () => {
  assert.equal(extractB3({ b3: `64fe8b2a57d3eff7-${SPAN}-1` })?.traceId, '64fe8b2a57d3eff7');
});

test('the spec example b3: 0 is a valid deny decision without IDs', () => {
  assert.deepEqual(extractB3({ b3: '0' }), { sampled: false, debug: false, shared: false });
});

test('b3: 1 is a valid accept decision without IDs', () => {
  assert.deepEqual(extractB3({ b3: '1' }), { sampled: true, debug: false, shared: false });
});

test('b3: d is a valid debug decision without IDs', () => {
  assert.deepEqual(extractB3({ b3: 'd' }), { sampled: true, debug: true, shared: false });
});

test('the single b3 header takes precedence over the multiple X-B3 headers', () => {
  const ctx = extractB3({
    b3: `${TRACE}-${SPAN}-0`,
    'x-b3-traceid': 'a'.repeat(32), 'x-b3-spanid': 'b'.repeat(16), 'x-b3-sampled': '1',
  });
  assert.deepEqual(ctx, { traceId: TRACE, spanId: SPAN, sampled: false, debug: false, shared: false });
});

test('a malformed b3 is not rescued by valid X-B3 headers', () => {
  assert.equal(extractB3({ b3: 'garbage', 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN }), undefined);
});

test('the b3 name matches in any case, in plain objects, Maps and WHATWG Headers', () => {
  const expected = { sampled: false, debug: false, shared: false };
  assert.deepEqual(extractB3({ B3: '0' }), expected);
  assert.deepEqual(extractB3(new Map([['B3', '0']])), expected);
  assert.deepEqual(extractB3(new Headers({ B3: '0' })), expected);
});

test('for an array b3 value the first value wins', () => {
  assert.deepEqual(extractB3({ b3: ['0', `${TRACE}-${SPAN}-1`] }), { sampled: false, debug: false, shared: false });
});
