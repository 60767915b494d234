import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { b3Stats, extractB3, onMalformedB3 } from '../src/propagation/b3.js';
import type { HeadersLike } from '../src/propagation/b3.js';

const TRACE = '80f198ee56343ba864fe8b2a57d3eff7';
const SPAN = 'e457b5a2e4d86bd1';
const PARENT = '05e3ac9a4f6e3b90';

/** Extracts, asserts the result is undefined and that exactly one malformed report was made. */
function assertMalformed(headers: unknown, label: string, rawValue?: string): string {
  const reasons: string[] = [];
  const off = onMalformedB3((reason) => reasons.push(reason));
  const before = b3Stats().malformed;
  try {
    assert.equal(extractB3(headers as HeadersLike), undefined, label);
  } finally {
    off();
  }
  assert.equal(b3Stats().malformed, before + 1, `${label}: malformed counter`);
  assert.equal(reasons.length, 1, `${label}: listener calls`);
  const reason = reasons[0] ?? '';
  assert.equal(b3Stats().lastMalformed, reason);
  assert.ok(reason.length > 0 && reason.length < 120, `${label}: short reason, got ${reason}`);
  if (rawValue !== undefined && rawValue.length > 1) {
    assert.ok(!reason.includes(rawValue), `${label}: reason must not contain the raw value`);
  }
  return reason;
}

const badSingle: ReadonlyArray<readonly [string, string]> = [
  ['empty value', ''],
  ['sampling state other than 0, 1 or d', '2'],
  ['uppercase D', 'D'],
  ['true is not a single-header sampling state', 'true'],
  ['trace ID alone', TRACE],
  ['trace ID of 15 characters', `${TRACE.slice(0, 15)}-${SPAN}-1`],
  ['trace ID of 17 characters', `${TRACE.slice(0, 17)}-${SPAN}-1`],
  ['trace ID of 31 characters', `${TRACE.slice(0, 31)}-${SPAN}-1`],
  ['trace ID of 33 characters', `${TRACE}a-${SPAN}-1`],
  ['uppercase trace ID', `${TRACE.toUpperCase()}-${SPAN}-1`],
  ['all-zero 128-bit trace ID', `${'0'.repeat(32)}-${SPAN}-1`],
  ['all-zero 64-bit trace ID', `${'0'.repeat(16)}-${SPAN}-1`],
  ['span ID of 15 characters', `${TRACE}-${SPAN.slice(0, 15)}-1`],
  ['span ID of 32 characters', `${TRACE}-${TRACE}-1`],
  ['uppercase span ID', `${TRACE}-${SPAN.toUpperCase()}-1`],
  ['all-zero span ID', `${TRACE}-${'0'.repeat(16)}-1`],
  ['non-hex span ID', `${TRACE}-e457b5a2e4d86bdg-1`],
  ['uppercase parent ID', `${TRACE}-${SPAN}-1-${PARENT.toUpperCase()}`],
  ['all-zero parent ID', `${TRACE}-${SPAN}-1-${'0'.repeat(16)}`],
  ['parent ID of 15 characters', `${TRACE}-${SPAN}-1-${PARENT.slice(0, 15)}`],
  ['sampling state 2', `${TRACE}-${SPAN}-2`],
  ['sampling state true', `${TRACE}-${SPAN}-true`],
  ['uppercase sampling state D', `${TRACE}-${SPAN}-D`],
  ['empty sampling field', `${TRACE}-${SPAN}--${PARENT}`],
  ['trailing hyphen', `${TRACE}-${SPAN}-1-`],
  ['hyphen standing in for an absent parent ID (the spec custom-encoding mistake)', `${TRACE}-${SPAN}-1--`],
  ['leading hyphen', `-${TRACE}-${SPAN}`],
  ['empty span ID', `${TRACE}--1`],
  ['five fields', `${TRACE}-${SPAN}-1-${PARENT}-1`],
  ['many fields', `${TRACE}-${SPAN}-1-${PARENT}-a-b-c`],
  ['surrounding spaces', ` ${TRACE}-${SPAN}-1 `],
  ['non-ASCII characters', `${TRACE.slice(0, 31)}é-${SPAN}-1`],
  ['full-width digits', `${'１'.repeat(16)}-${SPAN}-1`],
  ['control characters', `${TRACE}-${SPAN}-1\r\nx-evil: 1`],
  ['very long value', `${TRACE}-${SPAN}-1-${'a'.repeat(10_000)}`],
  ['huge value', 'x'.repeat(5_000_000)],
];

for (const [label, b3] of badSingle) {
  test(`b3 with ${label} is malformed`, () => {
    assertMalformed({ b3 }, label, b3);
  });
}

const goodMulti = { 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN, 'x-b3-parentspanid': PARENT, 'x-b3-sampled': '1' };
const badMulti: ReadonlyArray<readonly [string, Record<string, string | undefined>, string]> = [
  ['empty X-B3-Sampled (spec example)', { 'x-b3-sampled': '' }, ''],
  ['X-B3-ParentSpanId: - (spec example)', { 'x-b3-parentspanid': '-' }, '-'],
  ['X-B3-Sampled: 2', { 'x-b3-sampled': '2' }, '2'],
  ['X-B3-Sampled: d', { 'x-b3-sampled': 'd' }, 'd'],
  ['X-B3-Sampled: yes', { 'x-b3-sampled': 'yes' }, 'yes'],
  ['empty X-B3-TraceId', { 'x-b3-traceid': '' }, ''],
  ['empty X-B3-SpanId', { 'x-b3-spanid': '' }, ''],
  ['empty X-B3-ParentSpanId', { 'x-b3-parentspanid': '' }, ''],
  ['trace ID of 20 characters', { 'x-b3-traceid': TRACE.slice(0, 20) }, TRACE.slice(0, 20)],
  ['uppercase trace ID', { 'x-b3-traceid': TRACE.toUpperCase() }, TRACE.toUpperCase()],
  ['all-zero trace ID', { 'x-b3-traceid': '0'.repeat(32) }, '0'.repeat(32)],
  ['span ID of 17 characters', { 'x-b3-spanid': `${SPAN}a` }, `${SPAN}a`],
  ['uppercase span ID', { 'x-b3-spanid': SPAN.toUpperCase() }, SPAN.toUpperCase()],
  ['all-zero span ID', { 'x-b3-spanid': '0'.repeat(16) }, '0'.repeat(16)],
  ['uppercase parent ID', { 'x-b3-parentspanid': PARENT.toUpperCase() }, PARENT.toUpperCase()],
  ['all-zero parent ID', { 'x-b3-parentspanid': '0'.repeat(16) }, '0'.repeat(16)],
  ['span ID without trace ID', { 'x-b3-traceid': undefined }, SPAN],
  ['trace ID without span ID', { 'x-b3-spanid': undefined }, TRACE],
  ['non-ASCII trace ID', { 'x-b3-traceid': `${TRACE.slice(0, 31)}ß` }, `${TRACE.slice(0, 31)}ß`],
  ['very long trace ID', { 'x-b3-traceid': 'a'.repeat(100_000) }, 'a'.repeat(100_000)],
];

for (const [label, change, raw] of badMulti) {
  test(`multiple headers with ${label} are malformed`, () => {
    assertMalformed({ ...goodMulti, ...change }, label, raw);
  });
}

test('X-B3-ParentSpanId without trace and span IDs is malformed', () => {
  assertMalformed({ 'x-b3-parentspanid': PARENT, 'x-b3-sampled': '1' }, 'parent alone', PARENT);
});

test('X-B3-Sampled with a nonsense value and no IDs is malformed', () => {
  assertMalformed({ 'x-b3-sampled': 'nonsense' }, 'sampled alone', 'nonsense');
});

test('a b3 value that is not a string is malformed', () => {
  assertMalformed({ b3: 42 }, 'number value');
  assertMalformed(new Map<string, unknown>([['b3', { toString: () => '0' }]]), 'object value');
});

test('null, undefined, a number and a string are malformed header carriers, and do not throw', () => {
  for (const input of [null, undefined, 42, 'b3: 0', true, Symbol('h')]) {
    assertMalformed(input, String(typeof input));
  }
});

test('a plain object whose getter throws is malformed and does not throw', () => {
  const headers = {};
  Object.defineProperty(headers, 'b3', { enumerable: true, get() { throw new Error('boom'); } });
  assertMalformed(headers, 'throwing getter');
});

test('a proxy that throws on every operation is malformed and does not throw', () => {
  const hostile = new Proxy({}, { get() { throw new Error('boom'); }, ownKeys() { throw new Error('boom'); } });
  assertMalformed(hostile, 'hostile proxy');
});

test('a headers object whose get method throws is malformed and does not throw', () => {
  assertMalformed({ get() { throw new Error('boom'); } }, 'throwing get');
});

test('the reason names the header and the rule, not the value', () => {
  const reason = assertMalformed({ b3: `${TRACE.toUpperCase()}-${SPAN}-1` }, 'uppercase', TRACE.toUpperCase());
  assert.equal(reason, 'b3: trace ID must be 16 or 32 lowercase hex characters, not all zeros');
  assert.match(assertMalformed({ 'X-B3-Sampled': 'maybe' }, 'sampled'), /^X-B3-Sampled: /);
});

test('a listener that throws does not break extraction or other listeners', () => {
  const seen: string[] = [];
  const offThrowing = onMalformedB3(() => { throw new Error('listener bug'); });
  const offRecording = onMalformedB3((reason) => seen.push(reason));
  try {
    assert.equal(extractB3({ b3: 'x' }), undefined);
    assert.deepEqual(extractB3({ b3: '1' }), { sampled: true, debug: false, shared: false });
  } finally {
    offThrowing();
    offRecording();
  }
  assert.equal(seen.length, 1);
});

test('an unsubscribed listener is no longer called', () => {
  let calls = 0;
  const off = onMalformedB3(() => { calls++; });
  extractB3({ b3: 'x' });
  off();
  extractB3({ b3: 'x' });
  off(); // idempotent
  assert.equal(calls, 1);
});

test('extractB3 never throws on arbitrary input', () => {
  const headerName = fc.constantFrom('b3', 'B3', 'x-b3-traceid', 'X-B3-SpanId', 'x-b3-parentspanid', 'X-B3-Sampled', 'x-b3-flags', 'other');
  const headerValue = fc.oneof(
    fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('0', '1', 'd', TRACE, SPAN, `${TRACE}-${SPAN}-1`),
    fc.array(fc.string()), fc.anything(),
  );
  fc.assert(fc.property(fc.oneof(fc.dictionary(headerName, headerValue), fc.anything()), (input) => {
    extractB3(input as HeadersLike);
  }), { numRuns: 2000 });
});
