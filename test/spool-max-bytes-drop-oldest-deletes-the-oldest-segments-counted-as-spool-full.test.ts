// At spool.maxBytes with whenFull 'dropOldest', the oldest segments go: their spans are counted as
// dropped.spoolFull, the spool stays under its bound, and the newest spans are the ones delivered.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertCounted, overfillThenReplay } from './fixtures/spool-helpers.js';

const MAX_BYTES = 64 * 1024;

test("whenFull 'dropOldest': the oldest spans are dropped as spoolFull, the newest delivered, the spool within maxBytes", async (t) => {
  const { written, stats: s, fullReports, onDisk, delivered, arrived } = await overfillThenReplay(t, 'dropOldest', MAX_BYTES);
  assert.ok(s.dropped.spoolFull! > 0, JSON.stringify(s));
  assert.equal(s.dropped.queueFull, 0);
  assertCounted(s, written);
  assert.ok(fullReports >= 1);
  assert.ok(onDisk <= MAX_BYTES, `${onDisk} bytes on disk`);
  // What was kept on disk for the next run (s.queued) is what arrives, and it is the newest.
  assert.equal(delivered, s.queued);
  assert.ok(arrived.includes(written - 1), 'the newest span arrives');
  assert.ok(!arrived.includes(100), 'an old one was dropped');
});
