// At spool.maxBytes with whenFull 'dropOldest', the oldest segments go: their spans are counted as
// dropped.spoolFull, the spool stays under its bound, and the newest spans are the ones delivered.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSpoolFullKeptBound, overfillThenReplay } from './fixtures/spool-helpers.js';

const MAX_BYTES = 64 * 1024;

test("whenFull 'dropOldest': the oldest spans are dropped as spoolFull, the newest delivered, the spool within maxBytes", async (t) => {
  const r = await overfillThenReplay(t, 'dropOldest', MAX_BYTES);
  assertSpoolFullKeptBound(r, MAX_BYTES);
  // What was kept on disk for the next run is what arrives, and it is the newest.
  assert.ok(r.arrived.includes(r.written - 1), 'the newest span arrives');
  assert.ok(!r.arrived.includes(100), 'an old one was dropped');
});
