import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MapProgress } from '../src/index.js';
import { tracerWithSink, turns } from './fixtures/map-helpers.js';

test('onProgress reports done, failed, in flight and the known total after each item settles', async () => {
  const { tracer } = tracerWithSink();
  const seen: MapProgress[] = [];
  await tracer.map(
    Array.from({ length: 12 }, (_, i) => i),
    async (_span, i) => {
      await turns(i % 4);
      if (i % 5 === 0) throw new Error(`no ${i}`);
    },
    { mode: 'settle', concurrency: 3, onProgress: (p) => seen.push(p) },
  );
  assert.equal(seen.length, 12, 'one report per item');
  assert.deepEqual(seen.at(-1), { done: 9, failed: 3, inFlight: 0, total: 12 });
  for (const [n, p] of seen.entries()) {
    assert.equal(p.done + p.failed, n + 1, 'each report counts one more settled item');
    assert.ok(p.inFlight >= 0 && p.inFlight <= 3, `in flight ${p.inFlight} is within the limit`);
    assert.equal(p.total, 12);
  }
});

test('onProgress leaves total out for a generator, and a throwing callback does not stop the job', async () => {
  const failures: string[] = [];
  const { memorySink, createTracer } = await import('../src/index.js');
  const tracer = createTracer({ serviceName: 'map-test', sink: memorySink(), warnings: false, onError: (e) => failures.push(e.kind) });
  function* items(): Generator<number> {
    yield* [1, 2, 3];
  }
  const seen: MapProgress[] = [];
  const results = await tracer.map(items(), (_span, n) => n, {
    onProgress: (p) => {
      seen.push(p);
      throw new Error('bad renderer');
    },
  });
  assert.deepEqual(results, [1, 2, 3]);
  assert.deepEqual(seen.at(-1), { done: 3, failed: 0, inFlight: 0 });
  assert.ok(seen.every((p) => !('total' in p)));
  assert.deepEqual(failures, ['MAP_PROGRESS_FAILED', 'MAP_PROGRESS_FAILED', 'MAP_PROGRESS_FAILED']);
});

test('the total option gives onProgress a total for a generator', async () => {
  const { tracer } = tracerWithSink();
  function* items(): Generator<number> {
    yield* [1, 2];
  }
  const seen: MapProgress[] = [];
  await tracer.map(items(), (_span, n) => n, { total: 2, onProgress: (p) => seen.push(p) });
  assert.deepEqual(seen.at(-1), { done: 2, failed: 0, inFlight: 0, total: 2 });
});
