import { test } from 'node:test';
import assert from 'node:assert/strict';
import { only, tracerWithSink } from './fixtures/map-helpers.js';

test('results: false keeps no results and resolves with the counts and the job span identity', async () => {
  const { tracer, sink } = tracerWithSink();
  const seen: number[] = [];
  const summary = await tracer.map(
    [1, 2, 3, 4],
    async (_span, n) => {
      seen.push(n);
      if (n === 3) throw new Error('three');
      return n;
    },
    { name: 'job', results: false, mode: 'settle' },
  );
  assert.deepEqual(seen, [1, 2, 3, 4]);
  await tracer.flush();
  const job = only(sink.spans, 'job');
  assert.deepEqual(summary, {
    done: 3,
    failed: 1,
    job: { traceId: job.traceId, spanId: job.id, parentId: undefined, sampled: true, debug: false, shared: false },
  });
});
