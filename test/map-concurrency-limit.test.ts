import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maxOverlap, only, tracerWithSink, turns } from './fixtures/map-helpers.js';

test('the recorded item spans never overlap more than the concurrency limit, and do reach it', async () => {
  const { tracer, sink } = tracerWithSink();
  const limit = 5;
  // Uneven work, so that calls start and end in a shifting pattern.
  const work = Array.from({ length: 200 }, (_, i) => (i * 7919) % 13);
  await tracer.map(work, async (_span, n) => turns(n), { name: 'job', itemName: 'work', concurrency: limit });
  await tracer.flush();
  const items = sink.spans.filter((s) => s.name === 'work');
  assert.equal(items.length, work.length);
  const job = only(sink.spans, 'job');
  for (const s of items) assert.equal(s.parentId, job.id, 'each item span is a child of the job span');
  assert.equal(maxOverlap(items), limit);
});

test('with a limit of 1 the item spans follow one another without overlapping', async () => {
  const { tracer, sink } = tracerWithSink();
  await tracer.map([3, 1, 4, 1, 5, 9, 2, 6], async (_span, n) => turns(n), { itemName: 'work', concurrency: 1 });
  await tracer.flush();
  const items = sink.spans.filter((s) => s.name === 'work');
  assert.equal(items.length, 8);
  assert.equal(maxOverlap(items), 1);
});
