import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// 10 million calls take about 17 s on a 2-core machine (measured 2026-11-25); SOAK_CALLS overrides.
const CALLS = Number(process.env.SOAK_CALLS ?? 10_000_000);
// Heap after full GC may not grow by more than this from the first checkpoint (after 10% of the
// calls) to any later one: a leak of one byte per span over 9 million spans would exceed it.
const HEAP_GROWTH_BOUND = 4 * 1024 * 1024;

const SCRIPT = fileURLToPath(new URL('./fixtures/reliability-soak.ts', import.meta.url));

test(`${CALLS.toLocaleString('en')} traced calls through a drained memory sink keep the heap flat and account for every span`, { timeout: 600_000 }, async (t) => {
  // A child process: --expose-gc, and a heap that holds nothing of the test runner's.
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', SCRIPT], {
    env: { ...process.env, CALLS: String(CALLS) },
    maxBuffer: 1024 * 1024,
  });
  const r = JSON.parse(stdout) as {
    calls: number; seconds: number; heaps: number[]; started: number; ended: number; sent: number; dropped: number; drained: number; queued: number; sumOk: boolean;
  };
  assert.equal(r.sumOk, true, 'every call returned its own value');
  assert.equal(r.started, CALLS);
  assert.equal(r.ended, CALLS);
  assert.equal(r.queued, 0);
  assert.equal(r.sent + r.dropped, r.started, 'sent + dropped = created');
  assert.equal(r.drained, r.sent, 'the sink holds every span it reported as sent');
  assert.equal(r.heaps.length, 10);
  const [first, ...later] = r.heaps as [number, ...number[]];
  for (const h of later) assert.ok(h - first < HEAP_GROWTH_BOUND, `heap grew from ${first} to ${h} bytes; checkpoints ${r.heaps.join(', ')}`);
  t.diagnostic(`${r.calls} calls in ${r.seconds.toFixed(1)} s, heap after GC ${r.heaps.map((h) => (h / 1048576).toFixed(2)).join(' ')} MiB`);
});
