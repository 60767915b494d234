import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { b3Headers, extractB3 } from '../src/propagation/b3.js';
import type { SpanContext } from '../src/model/span-context.js';

const TRACE = '80f198ee56343ba864fe8b2a57d3eff7';
const SPAN = 'e457b5a2e4d86bd1';
const PARENT = '05e3ac9a4f6e3b90';

function ctx(overrides: Partial<SpanContext> = {}): SpanContext {
  return { traceId: TRACE, spanId: SPAN, parentId: PARENT, sampled: true, debug: false, shared: false, ...overrides };
}

test('multi format writes the spec example as lowercase x-b3 headers with x-b3-sampled: 1', () => {
  assert.deepEqual(b3Headers(ctx()), {
    'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN, 'x-b3-parentspanid': PARENT, 'x-b3-sampled': '1',
  });
});

test('multi is the default format', () => {
  assert.deepEqual(b3Headers(ctx()), b3Headers(ctx(), 'multi'));
});

test('single format writes the spec example b3 value with the parent in the last position', () => {
  assert.deepEqual(b3Headers(ctx(), 'single'), { b3: `${TRACE}-${SPAN}-1-${PARENT}` });
});

test('a root context writes no parent span ID in either format', () => {
  const root = { traceId: TRACE, spanId: SPAN, sampled: true, debug: false, shared: false };
  assert.deepEqual(b3Headers(root), { 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN, 'x-b3-sampled': '1' });
  assert.deepEqual(b3Headers(root, 'single'), { b3: `${TRACE}-${SPAN}-1` });
  assert.deepEqual(b3Headers({ ...root, parentId: undefined }), b3Headers(root));
});

test('an unsampled context writes x-b3-sampled: 0 and sampling state 0', () => {
  assert.equal(b3Headers(ctx({ sampled: false }))['x-b3-sampled'], '0');
  assert.equal(b3Headers(ctx({ sampled: false }), 'single').b3, `${TRACE}-${SPAN}-0-${PARENT}`);
});

test('a debug context writes x-b3-flags: 1 without x-b3-sampled, and sampling state d', () => {
  const headers = b3Headers(ctx({ debug: true }));
  assert.equal(headers['x-b3-flags'], '1');
  assert.equal('x-b3-sampled' in headers, false);
  assert.equal(b3Headers(ctx({ debug: true }), 'single').b3, `${TRACE}-${SPAN}-d-${PARENT}`);
});

test('a deferred context writes no sampling state in either format', () => {
  const headers = b3Headers(ctx({ sampled: undefined }));
  assert.equal('x-b3-sampled' in headers, false);
  assert.equal('x-b3-flags' in headers, false);
  assert.equal(b3Headers(ctx({ sampled: undefined }), 'single').b3, `${TRACE}-${SPAN}-${PARENT}`);
  assert.equal(b3Headers(ctx({ sampled: undefined, parentId: undefined }), 'single').b3, `${TRACE}-${SPAN}`);
});

test('a 16-character trace ID is written as is', () => {
  assert.equal(b3Headers(ctx({ traceId: '64fe8b2a57d3eff7' }))['x-b3-traceid'], '64fe8b2a57d3eff7');
  assert.equal(b3Headers(ctx({ traceId: '64fe8b2a57d3eff7' }), 'single').b3, `64fe8b2a57d3eff7-${SPAN}-1-${PARENT}`);
});

const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length })
    .filter((s) => /[^0]/.test(s));

const contexts: fc.Arbitrary<SpanContext> = fc.record({
  traceId: fc.oneof(hex(16), hex(32)),
  spanId: hex(16),
  parentId: fc.option(hex(16), { nil: undefined }),
  sampled: fc.constantFrom(true, false, undefined),
  debug: fc.boolean(),
}).map(({ traceId, spanId, parentId, sampled, debug }) => {
  const base = { traceId, spanId, sampled: debug ? true : sampled, debug, shared: false };
  return parentId === undefined ? base : { ...base, parentId };
});

test('b3Headers then extractB3 gives back the same context in multi format', () => {
  fc.assert(fc.property(contexts, (context) => {
    assert.deepEqual(extractB3(b3Headers(context, 'multi')), context);
  }), { numRuns: 500 });
});

test('b3Headers then extractB3 gives back the same context in single format', () => {
  fc.assert(fc.property(contexts, (context) => {
    assert.deepEqual(extractB3(b3Headers(context, 'single')), context);
  }), { numRuns: 500 });
});

test('b3Headers output round-trips through a WHATWG Headers object', () => {
  const context = ctx({ debug: true });
  assert.deepEqual(extractB3(new Headers(b3Headers(context))), context);
  assert.deepEqual(extractB3(new Headers(b3Headers(context, 'single'))), context);
});
