// The spool's record checksum is CRC-32 (IEEE): zlib's where Node has it (20.15+, 22.2+), else a
// table of its own, and both give the same value, so a spool written on one Node reads on another.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { crc32, tableCrc32 } from '../src/deliver/spool-segment.js';

test('the table CRC-32 equals the native one, and the known check value', () => {
  assert.equal(tableCrc32(Buffer.from('123456789')), 0xcbf43926);
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  for (let i = 0; i < 50; i++) {
    const a = randomBytes(i * 37);
    const b = randomBytes(i * 11);
    assert.equal(tableCrc32(b, tableCrc32(a)), crc32(b, crc32(a)));
  }
});
