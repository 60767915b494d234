// Without `always`, a batch that cannot be sent now (its attempt failed, or the memory queue is at
// its bound) goes to the spool instead of being dropped, and is sent from there when the collector answers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink } from '../src/index.js';
import { eventually } from './helpers/eventually.js';
import { fakeCollector, freePort } from './fixtures/http-collector.js';
import { assertCounted, segments, tempDir } from './fixtures/spool-helpers.js';

test('collector down: 20,000 spans through a 2,000-span memory queue drop none; all arrive once it is back', async (t) => {
  const dir = tempDir(t, 'spool-overflow');
  const port = await freePort();
  const sink = zipkinHttpSink({
    url: `http://127.0.0.1:${port}/api/v2/spans`,
    spool: { dir },
    maxQueueSpans: 2000,
    maxBatchSpans: 500,
    flushIntervalMillis: 20,
    initialBackoffMillis: 20,
    maxBackoffMillis: 100,
    warnings: false,
  });
  const tracer = createTracer({ serviceName: 'spool-overflow', sink, warnings: false });
  const written = 20_000;
  for (let i = 0; i < written; i++) {
    tracer.startSpan(`s${i}`).end();
    if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
  }
  await eventually('every span on disk or trying', () => sink.stats().spooled! >= written - 2000);
  const down = sink.stats();
  assert.equal(down.dropped.queueFull, 0, JSON.stringify(down));
  assert.equal(down.sent, 0);
  assert.ok(segments(dir).length > 0, 'segments were written');
  assertCounted(down, written);

  const collector = await fakeCollector(undefined, port);
  t.after(() => collector.stop());
  await tracer.flush({ timeoutMillis: 20_000 });
  const s = sink.stats();
  assert.equal(collector.accepted.size, written, JSON.stringify(s));
  assert.equal(s.sent, written);
  assert.equal(s.queued + s.inFlight, 0);
  assertCounted(s, written);
  await tracer.close();
  assert.deepEqual(segments(dir), [], 'delivered segments are deleted');
});
