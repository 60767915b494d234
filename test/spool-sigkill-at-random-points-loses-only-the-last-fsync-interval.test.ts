// The promise: with spool.always and the collector down, a SIGKILL at any moment loses at
// most the spans that ended in the last fsyncMillis; the next run on the same dir delivers every
// other span exactly once when the collector is back (at least once across a crash mid-replay).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fakeCollector, freePort } from './fixtures/http-collector.js';
import { tempDir } from './fixtures/spool-helpers.js';
import { endedSpans, startSpoolChild } from './fixtures/spool-run.js';

const FSYNC_MILLIS = 500;
const RUNS = 5;

test('SIGKILLed runs with a write-ahead spool lose only spans of the last fsyncMillis; a later run delivers every other span', { timeout: 120_000 }, async (t) => {
  // tempDir retries its removal: a killed child may still be adding a file.
  const root = tempDir(t, 'spool-sigkill');
  const dir = join(root, 'spool');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/api/v2/spans`;
  const mustArrive = new Set<string>();
  let ended = 0;
  for (let run = 0; run < RUNS; run++) {
    const side = join(root, `ended-${run}.txt`);
    const child = startSpoolChild({ SPOOL_DIR: dir, SPOOL_URL: url, SPOOL_MODE: 'record', SPOOL_SIDE: side, SPOOL_RATE: '1000', SPOOL_FSYNC_MILLIS: String(FSYNC_MILLIS) });
    await child.line('ready');
    // The kill time is the point of the test: random, between 0.7 s and 1.7 s into the run.
    await new Promise((resolve) => setTimeout(resolve, 700 + Math.random() * 1000));
    const killedAt = Date.now();
    child.child.kill('SIGKILL');
    const exit = await child.exited;
    assert.equal(exit.signal, 'SIGKILL', exit.stderr);
    const spans = endedSpans(side);
    ended += spans.size;
    for (const [id, at] of spans) if (at < killedAt - FSYNC_MILLIS) mustArrive.add(id);
  }
  assert.ok(mustArrive.size > 500, `the runs ended ${ended} spans, ${mustArrive.size} of them more than ${FSYNC_MILLIS} ms before their kill`);

  // The collector comes back, slowly (one request at a time, 20 ms each): a replay is killed halfway.
  const collector = await fakeCollector(() => new Promise((resolve) => setTimeout(() => resolve({ status: 202 }), 20)), port);
  t.after(() => collector.stop());
  const half = Math.floor(mustArrive.size / 2);
  const interrupted = startSpoolChild({ SPOOL_DIR: dir, SPOOL_URL: url, SPOOL_MODE: 'replay', SPOOL_MAX_IN_FLIGHT: '1' });
  await collector.whenAccepted(half);
  interrupted.child.kill('SIGKILL');
  await interrupted.exited;

  const final = startSpoolChild({ SPOOL_DIR: dir, SPOOL_URL: url, SPOOL_MODE: 'replay' });
  const exit = await final.exited;
  assert.equal(exit.code, 0, exit.stderr);
  const stats = JSON.parse(exit.stdout.trim().split('\n').at(-1)!) as { sent: number; queued: number; inFlight: number; replayed: number; dropped: Record<string, number> };

  const missing = [...mustArrive].filter((id) => !collector.accepted.has(id));
  assert.deepEqual(missing.slice(0, 10), [], `${missing.length} of ${mustArrive.size} spans that ended more than ${FSYNC_MILLIS} ms before their kill never arrived`);
  let duplicates = 0;
  for (const n of collector.accepted.values()) duplicates += n - 1;
  t.diagnostic(`${RUNS} runs ended ${ended} spans; ${mustArrive.size} ended > ${FSYNC_MILLIS} ms before a kill; collector has ${collector.accepted.size} distinct, ${duplicates} duplicates (from the replay killed midway)`);
  // Nothing of the final replay is lost or counted twice: every span it read is sent or dropped.
  const dropped = Object.values(stats.dropped).reduce((a, b) => a + b, 0);
  assert.equal(stats.sent + dropped + stats.queued + stats.inFlight, stats.replayed, JSON.stringify(stats));
  assert.equal(dropped, 0, JSON.stringify(stats));
  assert.equal(stats.queued, 0);
  // The final replay alone sent each span once: duplicates only come from what the killed replay had sent.
  assert.ok(duplicates <= collector.acceptedTotal() - stats.sent, `${duplicates} duplicates`);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.seg')), [], 'every segment was deleted once delivered');
});
