import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidSpanId, isValidTraceId } from '../src/model/ids.js';

test('isValidTraceId accepts 16 and 32 lowercase hex characters that are not all zeros', () => {
  for (const id of ['463ac35c9f6413ad48485a3953bb6124', '80f198ee56343ba864fe8b2a57d3eff7', '463ac35c9f6413ad', '0000000000000001', '0'.repeat(31) + '1']) {
    assert.equal(isValidTraceId(id), true, id);
  }
});

test('isValidTraceId rejects other lengths, uppercase, non-hex, non-ASCII and all zeros', () => {
  for (const id of ['', '463ac35c9f6413a', '463ac35c9f6413ad4', '463ac35c9f6413ad48485a3953bb612', '463AC35C9F6413AD', 'g63ac35c9f6413ad', '463ac35c9f6413aé', '0'.repeat(16), '0'.repeat(32), ' 463ac35c9f6413a']) {
    assert.equal(isValidTraceId(id), false, JSON.stringify(id));
  }
});

test('isValidSpanId accepts exactly 16 lowercase hex characters that are not all zeros', () => {
  assert.equal(isValidSpanId('a2fb4a1d1a96d312'), true);
  assert.equal(isValidSpanId('0020000000000001'), true);
  for (const id of ['', 'a2fb4a1d1a96d31', 'a2fb4a1d1a96d3120', '463ac35c9f6413ad48485a3953bb6124', 'A2FB4A1D1A96D312', '0'.repeat(16), 'a2fb4a1d1a96d31-']) {
    assert.equal(isValidSpanId(id), false, JSON.stringify(id));
  }
});

test('the ID checks return false rather than throw for non-string input', () => {
  for (const input of [null, undefined, 16, {}, ['a2fb4a1d1a96d312']]) {
    assert.equal(isValidSpanId(input as unknown as string), false);
    assert.equal(isValidTraceId(input as unknown as string), false);
  }
});
