// flush() with a spool: it waits for what is on disk too; at its deadline (collector down) the
// spans stay on disk, fsynced, still queued; a later flush() delivers them once the collector is back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink } from '../src/index.js';
import { fakeCollector, freePort } from './fixtures/http-collector.js';
import { assertCounted, segments, tempDir } from './fixtures/spool-helpers.js';

test('flush() leaves undelivered spans on disk at its deadline and delivers them once the collector is back', async (t) => {
  const dir = tempDir(t, 'spool-flush');
  const port = await freePort();
  const sink = zipkinHttpSink({ url: `http://127.0.0.1:${port}/api/v2/spans`, spool: { dir, always: true }, initialBackoffMillis: 10, maxBackoffMillis: 50, warnings: false });
  const tracer = createTracer({ serviceName: 'spool-flush', sink, warnings: false });
  for (let i = 0; i < 3000; i++) tracer.startSpan('s').end();
  const started = Date.now();
  const down = await tracer.flush({ timeoutMillis: 300 });
  assert.ok(Date.now() - started >= 290, 'flush waited for its deadline');
  assert.equal(down.complete, false);
  assert.equal(down.pending, 3000);
  assert.equal(sink.stats().spooled, 3000);
  assert.ok(segments(dir).reduce((a, s) => a + s.bytes, 0) > 3000 * 100, 'the spans are in the segment files');
  assertCounted(sink.stats(), 3000);

  const collector = await fakeCollector(undefined, port);
  t.after(() => collector.stop());
  const up = await tracer.flush({ timeoutMillis: 10_000 });
  assert.equal(up.complete, true);
  assert.equal(collector.accepted.size, 3000);
  assertCounted(sink.stats(), 3000);
  await tracer.close();
  assert.deepEqual(segments(dir), []);
});
