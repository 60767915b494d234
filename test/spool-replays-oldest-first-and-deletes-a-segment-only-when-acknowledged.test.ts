// A sink started on a spool directory sends its records oldest first, and deletes a segment file
// only once every record in it was acknowledged: a record the collector keeps refusing keeps its segment.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink } from '../src/index.js';
import { eventually } from './helpers/eventually.js';
import { fakeCollector, freePort } from './fixtures/http-collector.js';
import { assertCounted, segments, tempDir } from './fixtures/spool-helpers.js';

test('replay goes oldest first; the segment of an unacknowledged record stays until it is acknowledged', async (t) => {
  const dir = tempDir(t, 'spool-order');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/api/v2/spans`;
  // Run 1, collector down: 1,000 spans in batches of 50, on disk in small segments (maxBytes/16 = 16 KiB).
  const first = zipkinHttpSink({ url, spool: { dir, always: true, maxBytes: 256 * 1024 }, maxBatchSpans: 50, maxInFlight: 1, warnings: false });
  const tracer = createTracer({ serviceName: 'spool-order', sink: first, warnings: false });
  for (let i = 0; i < 1000; i++) tracer.startSpan(`s${i}`).end();
  await tracer.close({ timeoutMillis: 200 });
  assert.equal(first.stats().queued, 1000, 'close left every span on disk for the next run');
  const before = segments(dir);
  assert.ok(before.length >= 4, `${before.length} segments`);

  // Run 2: the collector refuses (503) the batch holding s500 until told otherwise.
  let refuse = true;
  const collector = await fakeCollector((req) => (refuse && req.spans.some((s) => s.name === 's500') ? { status: 503 } : { status: 202 }), port);
  t.after(() => collector.stop());
  const second = zipkinHttpSink({ url, spool: { dir }, maxInFlight: 1, initialBackoffMillis: 10, maxBackoffMillis: 20, warnings: false });
  await eventually('a refused attempt of s500', () => collector.requests.filter((r) => r.spans.some((s) => s.name === 's500')).length >= 3);
  const held = segments(dir);
  assert.ok(held.length < before.length, 'segments before the refused record were deleted');
  assert.ok(held.length > 0, 'the refused record keeps its segment');
  const holder = held.map((s) => readFileSync(join(dir, s.name), 'latin1')).some((text) => text.includes('"name":"s500"'));
  assert.ok(holder, 'the segment holding s500 is still on disk');

  refuse = false;
  await second.flush({ timeoutMillis: 10_000 });
  // In order of first arrival (a refused batch arrives again later, at its own place).
  const order = [...new Set(collector.requests.flatMap((r) => r.spans.map((s) => Number(s.name!.slice(1)))))];
  assert.deepEqual(order, [...order].sort((a, b) => a - b), 'spans arrive oldest first');
  assert.equal(collector.accepted.size, 1000);
  const s = second.stats();
  assert.equal(s.replayed, 1000);
  assert.equal(s.sent, 1000);
  assertCounted(s, 0);
  await second.close();
  assert.deepEqual(segments(dir), []);
});
