// At spool.maxBytes with whenFull 'dropNewest', a batch that does not fit is dropped, counted as
// dropped.spoolFull, the spool stays under its bound, and the oldest spans are the ones delivered.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSpoolFullKeptBound, overfillThenReplay } from './fixtures/spool-helpers.js';

const MAX_BYTES = 64 * 1024;

test("whenFull 'dropNewest': new batches are dropped as spoolFull, the oldest delivered, the spool within maxBytes", async (t) => {
  const r = await overfillThenReplay(t, 'dropNewest', MAX_BYTES);
  assertSpoolFullKeptBound(r, MAX_BYTES);
  // What was kept on disk for the next run is what arrives, and it is the oldest.
  assert.ok(r.arrived.includes(100), 'an old span arrives');
  assert.ok(!r.arrived.includes(r.written - 1), 'the newest was dropped');
});
