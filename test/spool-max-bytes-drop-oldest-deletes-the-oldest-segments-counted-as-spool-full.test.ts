// At spool.maxBytes with whenFull 'dropOldest', the oldest segments go: their spans are counted as
// dropped.spoolFull, the spool stays under its bound, and the newest spans are the ones delivered.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink } from '../src/index.js';
import { fakeCollector, freePort } from './fixtures/http-collector.js';
import { assertCounted, failures, segments, tempDir } from './fixtures/spool-helpers.js';

const MAX_BYTES = 64 * 1024;

test("whenFull 'dropOldest': the oldest spans are dropped as spoolFull, the newest delivered, the spool within maxBytes", async (t) => {
  const dir = tempDir(t, 'spool-oldest');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/api/v2/spans`;
  const seen = failures();
  const sink = zipkinHttpSink({ url, spool: { dir, always: true, maxBytes: MAX_BYTES, whenFull: 'dropOldest' }, maxBatchSpans: 20, maxInFlight: 1, onError: seen.onError, warnings: false });
  const tracer = createTracer({ serviceName: 'spool-oldest', sink, warnings: false });
  const written = 2000;
  for (let i = 0; i < written; i++) {
    tracer.startSpan(`s${i}`).end();
    if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
  }
  await tracer.close({ timeoutMillis: 200 });
  const s = sink.stats();
  assert.ok(s.dropped.spoolFull! > 0, JSON.stringify(s));
  assert.equal(s.dropped.queueFull, 0);
  assertCounted(s, written);
  assert.ok(seen.count('SPOOL_FULL') >= 1);
  const onDisk = segments(dir).reduce((a, x) => a + x.bytes, 0);
  assert.ok(onDisk <= MAX_BYTES, `${onDisk} bytes on disk`);

  const collector = await fakeCollector(undefined, port);
  t.after(() => collector.stop());
  const next = zipkinHttpSink({ url, spool: { dir }, warnings: false });
  await next.flush({ timeoutMillis: 10_000 });
  await next.close();
  const delivered = [...collector.accepted.keys()].length;
  const names = collector.requests.flatMap((r) => r.spans.map((x) => Number(x.name!.slice(1))));
  // What was kept on disk for the next run (s.queued) is what arrives, and it is the newest.
  assert.equal(delivered, s.queued);
  assert.ok(names.includes(written - 1), 'the newest span arrives');
  assert.ok(!names.includes(100), 'an old one was dropped');
});
