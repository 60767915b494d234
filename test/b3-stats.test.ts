import { test } from 'node:test';
import assert from 'node:assert/strict';
import { b3Stats, extractB3 } from '../src/propagation/b3.js';

const TRACE = '80f198ee56343ba864fe8b2a57d3eff7';
const SPAN = 'e457b5a2e4d86bd1';

test('b3Stats counts full contexts, sampling-only decisions and malformed headers separately', () => {
  const before = b3Stats();
  extractB3({ b3: `${TRACE}-${SPAN}-1` });
  extractB3({ 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN });
  extractB3({ b3: '0' });
  extractB3({ 'x-b3-flags': '1' });
  extractB3({ 'x-b3-sampled': '1' });
  extractB3({ b3: 'bad' });
  extractB3({}); // no B3 headers: counted nowhere
  extractB3({ 'x-b3-flags': '0' }); // ignorable flags alone: counted nowhere
  const after = b3Stats();
  assert.equal(after.extracted - before.extracted, 2);
  assert.equal(after.sampledOnly - before.sampledOnly, 3);
  assert.equal(after.malformed - before.malformed, 1);
  assert.equal(after.lastMalformed, 'b3: expected {TraceId}-{SpanId} or a sampling state alone');
});

test('b3Stats returns a snapshot that later extractions do not change', () => {
  const snapshot = b3Stats();
  const copy = { ...snapshot };
  extractB3({ b3: '1' });
  assert.deepEqual(snapshot, copy);
});
