import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tracerWithSink, turns } from './fixtures/map-helpers.js';

test('map returns results in input order even when items finish in another order', async () => {
  const { tracer } = tracerWithSink();
  const work = [12, 1, 8, 3, 0, 5, 9, 2];
  const finished: number[] = [];
  const results = await tracer.map(
    work,
    async (_span, n, index) => {
      await turns(n);
      finished.push(index);
      return `item ${index} after ${n} turns`;
    },
    { concurrency: 4 },
  );
  assert.deepEqual(results, work.map((n, index) => `item ${index} after ${n} turns`));
  // The check means something only if completion order differed from input order.
  assert.notDeepEqual(finished, [...finished].sort((a, b) => a - b));
});

test('map over an async generator returns results in the order the items were yielded', async () => {
  const { tracer } = tracerWithSink();
  async function* items(): AsyncGenerator<number> {
    for (const n of [5, 0, 3, 1]) {
      await turns(1);
      yield n;
    }
  }
  const results = await tracer.map(items(), async (_span, n) => {
    await turns(n);
    return n * 2;
  }, { concurrency: 3 });
  assert.deepEqual(results, [10, 0, 6, 2]);
});
