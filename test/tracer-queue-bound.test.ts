import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTracer, type DiagnosticEvent, type Sink, type SpanRecord } from '../src/index.js';

test('spans held by a slow async sink count against maxQueueSpans: past it new spans are dropped and counted, and none is lost silently', async () => {
  const taken: SpanRecord[][] = [];
  const releases: Array<() => void> = [];
  // Takes each batch but settles it only when the test says so: a sink whose disk or network stalls.
  const slow: Sink = {
    write(batch) {
      taken.push(batch);
      return new Promise<void>((resolve) => releases.push(resolve));
    },
  };
  const events: DiagnosticEvent[] = [];
  const tracer = createTracer({ serviceName: 'bound', sink: slow, maxQueueSpans: 10, batchSize: 4, warnings: false, onError: (e) => events.push(e) });
  const work = tracer.traced(() => 1, { name: 'work' });

  for (let i = 0; i < 25; i++) await work();

  // Batches of 4 go out as they fill: 4 + 4 in unsettled writes, 2 pending, then the bound is hit.
  const stats = tracer.stats();
  assert.equal(stats.started, 25);
  assert.equal(stats.dropped.queueFull, 15);
  assert.equal(taken.flat().length, 8);
  assert.equal(stats.inFlight, 8, 'spans in unsettled writes show as in flight for a sink without stats');
  assert.equal(stats.queued, 2);
  assert.ok(events.some((e) => e.kind === 'QUEUE_FULL'));

  // Once the sink catches up, the bound frees again and nothing held is lost.
  for (const release of releases.splice(0)) release();
  // flush() hands the 2 pending spans to the sink at once; settle that write too.
  const flushing = tracer.flush({ timeoutMillis: 5000 });
  assert.equal(releases.length, 1);
  for (const release of releases.splice(0)) release();
  const result = await flushing;
  assert.equal(result.pending, 0);
  assert.equal(taken.flat().length, 10);
  assert.equal(tracer.stats().sent, 10);
  assert.equal(tracer.stats().sent + tracer.stats().dropped.queueFull, 25);
});
