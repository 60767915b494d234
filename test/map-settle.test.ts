import { test } from 'node:test';
import assert from 'node:assert/strict';
import { only, tracerWithSink, turns } from './fixtures/map-helpers.js';

test("settle runs every item and resolves like Promise.allSettled, in input order", async () => {
  const { tracer, sink } = tracerWithSink();
  const odd = (i: number) => new Error(`odd ${i}`);
  const errors = new Map<number, Error>();
  const results = await tracer.map(
    [0, 1, 2, 3, 4, 5],
    async (_span, i) => {
      await turns(6 - i);
      if (i % 2 === 1) {
        const e = odd(i);
        errors.set(i, e);
        throw e;
      }
      return i * 10;
    },
    { name: 'job', itemName: 'work', mode: 'settle', concurrency: 3 },
  );
  assert.deepEqual(results, [
    { status: 'fulfilled', value: 0 },
    { status: 'rejected', reason: errors.get(1) },
    { status: 'fulfilled', value: 20 },
    { status: 'rejected', reason: errors.get(3) },
    { status: 'fulfilled', value: 40 },
    { status: 'rejected', reason: errors.get(5) },
  ]);
  // Same identity, not merely equal.
  const second = results[1];
  assert.ok(second?.status === 'rejected' && second.reason === errors.get(1));

  await tracer.flush();
  const items = sink.spans.filter((s) => s.name === 'work');
  assert.equal(items.length, 6);
  assert.deepEqual(items.filter((s) => s.tags?.error !== undefined).map((s) => s.tags?.error).sort(), ['odd 1', 'odd 3', 'odd 5']);
  const job = only(sink.spans, 'job');
  assert.equal(job.tags?.error, undefined, 'failed items do not fail a settled job');
  assert.equal(job.tags?.['map.outcome'], 'completed');
  assert.equal(job.tags?.['map.done'], '3');
  assert.equal(job.tags?.['map.failed'], '3');
  assert.equal(job.tags?.['map.not_started'], '0');
});
