import { test } from 'node:test';
import assert from 'node:assert/strict';
import { only, tracerWithSink, turns } from './fixtures/map-helpers.js';

test('failFast stops scheduling, waits for the calls in flight, then rejects with the first error itself', async () => {
  const { tracer, sink } = tracerWithSink();
  const boom = new Error('item 3 failed');
  const later = new Error('item 4 failed too');
  const called: number[] = [];
  const finishedAfterBoom: number[] = [];
  let boomThrown = false;
  const job = tracer.map(
    Array.from({ length: 20 }, (_, i) => i),
    async (_span, i) => {
      called.push(i);
      if (i === 3) {
        await turns(2);
        boomThrown = true;
        throw boom;
      }
      if (i === 4) {
        await turns(6);
        throw later;
      }
      await turns(i < 3 ? 1 : 10);
      if (boomThrown) finishedAfterBoom.push(i);
      return i;
    },
    { name: 'job', itemName: 'work', concurrency: 4 },
  );
  await assert.rejects(job, (error) => error === boom);
  // Items 0-2 ended quickly, so 4-6 had started before item 3 failed; nothing was started after it.
  assert.deepEqual(called, [0, 1, 2, 3, 4, 5, 6]);
  // The calls in flight when item 3 failed ran to the end before map rejected.
  assert.deepEqual(finishedAfterBoom, [5, 6]);

  await tracer.flush();
  const items = sink.spans.filter((s) => s.name === 'work');
  assert.equal(items.length, 7, 'every started call has its span, the ones in flight included');
  const jobSpan = only(sink.spans, 'job');
  assert.equal(jobSpan.tags?.error, 'item 3 failed');
  assert.equal(jobSpan.tags?.['map.outcome'], 'failed');
  assert.equal(jobSpan.tags?.['map.done'], '5');
  assert.equal(jobSpan.tags?.['map.failed'], '2');
  assert.equal(jobSpan.tags?.['map.not_started'], '13');
  const jobEnd = jobSpan.timestamp! + jobSpan.duration!;
  for (const s of items) assert.ok(s.timestamp! + s.duration! <= jobEnd, 'the job span ends after its last item');
});

test('failFast is the default and rejects even when the failing item is the last to settle', async () => {
  const { tracer } = tracerWithSink();
  const last = new Error('slow failure');
  await assert.rejects(
    tracer.map([0, 1, 2], async (_span, i) => {
      if (i === 0) {
        await turns(5);
        throw last;
      }
      return i;
    }),
    (error) => error === last,
  );
});
