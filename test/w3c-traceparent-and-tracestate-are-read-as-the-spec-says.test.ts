// W3C Trace Context: what a valid traceparent gives, what invalid ones are refused for, and how
// tracestate is kept, dropped or combined (../shared/specs/w3c-trace-context/20-http_request_header_format.md).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractW3C, w3cStats } from '../src/index.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';
const VALID = `00-${TRACE}-${PARENT}-01`;

test('a valid version 00 traceparent gives the caller span as the parent, sampled from the flags', () => {
  assert.deepEqual(extractW3C({ traceparent: VALID }), {
    traceId: TRACE, spanId: PARENT, sampled: true, debug: false, shared: false, propagation: 'w3c', randomTraceId: false,
  });
  assert.equal(extractW3C({ traceparent: `00-${TRACE}-${PARENT}-00` })?.sampled, false);
  // Flags are a bit field: 03 is sampled and random, 02 random only, 09 sampled (unknown bits ignored).
  assert.deepEqual([extractW3C({ traceparent: `00-${TRACE}-${PARENT}-03` })].map((c) => [c?.sampled, c?.randomTraceId]), [[true, true]]);
  assert.deepEqual([extractW3C({ traceparent: `00-${TRACE}-${PARENT}-02` })].map((c) => [c?.sampled, c?.randomTraceId]), [[false, true]]);
  assert.equal(extractW3C({ traceparent: `00-${TRACE}-${PARENT}-09` })?.sampled, true);
});

test('invalid traceparents are refused and counted, and no tracestate is read with them', () => {
  const cases = {
    'uppercase trace-id': `00-${TRACE.toUpperCase()}-${PARENT}-01`,
    'uppercase parent-id': `00-${TRACE}-${PARENT.toUpperCase()}-01`,
    'all-zero trace-id': `00-${'0'.repeat(32)}-${PARENT}-01`,
    'all-zero parent-id': `00-${TRACE}-${'0'.repeat(16)}-01`,
    'short trace-id': `00-${TRACE.slice(2)}-${PARENT}-01`,
    'version ff': `ff-${TRACE}-${PARENT}-01`,
    'extra field in version 00': `${VALID}-what`,
    'uppercase version': `0A-${TRACE}-${PARENT}-01`,
    'flags not hex': `00-${TRACE}-${PARENT}-0g`,
    'higher version too short': `cc-${TRACE}-${PARENT}-0`,
    'higher version, no dash after the flags': `cc-${TRACE}-${PARENT}-01x`,
    'sent twice': `${VALID}, ${VALID}`,
    empty: '',
  };
  for (const [what, traceparent] of Object.entries(cases)) {
    const before = w3cStats();
    assert.equal(extractW3C({ traceparent, tracestate: 'rojo=1' }), undefined, what);
    const after = w3cStats();
    assert.equal(after.malformed, before.malformed + 1, what);
    assert.equal(after.tracestateDropped, before.tracestateDropped, `${what}: tracestate is not parsed after a bad traceparent`);
    assert.ok(after.lastMalformed?.startsWith('traceparent: '), what);
  }
  assert.equal(extractW3C({ traceparent: [VALID, VALID] }), undefined, 'two traceparent fields');
});

test('a higher version is read by its first four fields, as the spec asks', () => {
  const c = extractW3C({ traceparent: `cc-${TRACE}-${PARENT}-01-what-the-future-will-be-like` });
  assert.equal(c?.traceId, TRACE);
  assert.equal(c?.spanId, PARENT);
  assert.equal(c?.sampled, true);
  assert.equal(extractW3C({ traceparent: `cc-${TRACE}-${PARENT}-01` })?.spanId, PARENT);
});

test('tracestate is kept without optional whitespace, empty members dropped, several fields combined', () => {
  const c = extractW3C({ traceparent: VALID, tracestate: ' rojo=00f067aa0ba902b7 ,\t, congo=t61rcWkgMzE  ' });
  assert.equal(c?.tracestate, 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE');
  assert.equal(extractW3C({ traceparent: VALID, tracestate: ['rojo=1', 'congo=2'] })?.tracestate, 'rojo=1,congo=2');
  assert.equal(extractW3C(new Headers([['traceparent', VALID], ['tracestate', 'rojo=1'], ['tracestate', 'congo=2']]))?.tracestate, 'rojo=1,congo=2');
  // Leading spaces of a value are part of it; multi-tenant keys; an empty header is accepted.
  assert.equal(extractW3C({ traceparent: VALID, tracestate: 'a=  x,t@s=1' })?.tracestate, 'a=  x,t@s=1');
  assert.equal('tracestate' in (extractW3C({ traceparent: VALID, tracestate: '' }) ?? {}), false);
});

test('an invalid tracestate is dropped whole and counted while its traceparent is kept', () => {
  const members = (n: number) => Array.from({ length: n }, (_, i) => `k${i}=v${i}`).join(',');
  const cases = {
    '33 members': members(33),
    'a key twice': 'rojo=1,congo=2,rojo=3',
    'an uppercase key': 'Rojo=1',
    'a key starting with _': '_rojo=1',
    'a value with =': 'rojo=a=b',
    'a control character': 'rojo=a\u0001b',
    'a newline': 'rojo=a\r\nx-evil: 1',
    'non-ASCII': 'rojo=é',
    'no =': 'rojo',
    'a value of 257 characters': `rojo=${'x'.repeat(257)}`,
  };
  for (const [what, tracestate] of Object.entries(cases)) {
    const before = w3cStats().tracestateDropped;
    const c = extractW3C({ traceparent: VALID, tracestate });
    assert.equal(c?.spanId, PARENT, what);
    assert.equal(c?.tracestate, undefined, what);
    assert.equal(w3cStats().tracestateDropped, before + 1, what);
  }
  assert.equal(extractW3C({ traceparent: VALID, tracestate: members(32) })?.tracestate, members(32), '32 members are fine');
});

test('header names are case-insensitive and message headers may be bytes', () => {
  assert.equal(extractW3C({ TraceParent: VALID })?.spanId, PARENT);
  assert.equal(extractW3C(new Map([['TRACEPARENT', VALID]]))?.spanId, PARENT);
  assert.equal(extractW3C({ traceparent: Buffer.from(VALID), tracestate: new TextEncoder().encode('rojo=1') })?.tracestate, 'rojo=1');
  assert.equal(extractW3C({}), undefined);
  assert.equal(extractW3C(null as never), undefined);
});
