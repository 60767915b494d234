import { test } from 'node:test';
import assert from 'node:assert/strict';
import { only, tracerWithSink, turns } from './fixtures/map-helpers.js';

test('chunkSize splits a job into one trace per chunk, each root tagged with the job trace, span and chunk number', async () => {
  const { tracer, sink } = tracerWithSink();
  const results = await tracer.map(
    Array.from({ length: 10 }, (_, i) => i),
    async (_span, i) => {
      await turns(i % 3);
      return i;
    },
    { name: 'job', itemName: 'work', chunkSize: 4, concurrency: 3, tags: { 'job.id': '42' } },
  );
  assert.deepEqual(results, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  await tracer.flush();

  const job = only(sink.spans, 'job');
  assert.equal(job.tags?.['map.chunks'], '3');
  assert.equal(job.tags?.['map.chunk_size'], '4');
  assert.equal(sink.spans.filter((s) => s.traceId === job.traceId).length, 1, 'the job trace holds only the job span');

  const roots = sink.spans.filter((s) => s.name === 'job chunk').sort((a, b) => Number(a.tags?.['job.chunk']) - Number(b.tags?.['job.chunk']));
  assert.deepEqual(roots.map((r) => r.tags?.['job.chunk']), ['0', '1', '2']);
  assert.equal(new Set([job.traceId, ...roots.map((r) => r.traceId)]).size, 4, 'one trace per chunk, apart from the job');
  const items = sink.spans.filter((s) => s.name === 'work');
  assert.equal(items.length, 10);
  const expectedSizes = [4, 4, 2];
  for (const [n, root] of roots.entries()) {
    assert.equal(root.parentId, undefined, 'a chunk root is a trace root');
    assert.equal(root.tags?.['job.trace_id'], job.traceId);
    assert.equal(root.tags?.['job.span_id'], job.id);
    assert.equal(root.tags?.['job.id'], '42', "the job's own tags are on each chunk root");
    assert.equal(root.tags?.['map.done'], String(expectedSizes[n]));
    const children = items.filter((s) => s.traceId === root.traceId);
    assert.equal(children.length, expectedSizes[n]);
    for (const child of children) assert.equal(child.parentId, root.id);
    const rootEnd = root.timestamp! + root.duration!;
    for (const child of children) assert.ok(child.timestamp! + child.duration! <= rootEnd, 'a chunk root ends after its items');
  }
});

test('chunk traces of an unsampled job are not recorded either', async () => {
  const { tracer, sink } = tracerWithSink();
  await tracer.map([1, 2, 3, 4, 5], (_span, i) => i, { name: 'job', chunkSize: 2, parent: { traceId: undefined, spanId: undefined, sampled: false, debug: false, shared: false } });
  await tracer.flush();
  assert.deepEqual(sink.spans, []);
});
