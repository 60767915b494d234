// A torn record (a crash mid-write) or one whose checksum fails is skipped with the rest of its
// segment, reported once as SPOOL_CORRUPT; every whole record before it is still delivered. Never a throw.
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { createTracer, zipkinHttpSink } from '../src/index.js';
import { fakeCollector, freePort } from './fixtures/http-collector.js';
import { assertCounted, failures, segments, tempDir } from './fixtures/spool-helpers.js';

/** 500 spans in 10 records on disk (collector down, closed); returns the dir and the url. */
async function spooled(t: TestContext): Promise<{ dir: string; url: string; port: number; file: string }> {
  const dir = tempDir(t, 'spool-corrupt');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/api/v2/spans`;
  const sink = zipkinHttpSink({ url, spool: { dir, always: true }, maxBatchSpans: 50, maxInFlight: 1, warnings: false });
  const tracer = createTracer({ serviceName: 'spool-corrupt', sink, warnings: false });
  for (let i = 0; i < 500; i++) tracer.startSpan(`s${i}`).end();
  await tracer.close({ timeoutMillis: 100 });
  const [segment] = segments(dir);
  return { dir, url, port, file: join(dir, segment!.name) };
}

async function replay(t: TestContext, dir: string, url: string, port: number): Promise<{ delivered: number; corrupt: number; stats: ReturnType<ReturnType<typeof zipkinHttpSink>['stats']> }> {
  const collector = await fakeCollector(undefined, port);
  t.after(() => collector.stop());
  const seen = failures();
  const sink = zipkinHttpSink({ url, spool: { dir }, onError: seen.onError, warnings: false });
  await sink.flush({ timeoutMillis: 10_000 });
  await sink.close();
  return { delivered: collector.accepted.size, corrupt: seen.count('SPOOL_CORRUPT'), stats: sink.stats() };
}

test('a torn tail (half a record) is skipped and reported once; the 500 spans before it arrive', async (t) => {
  const { dir, url, port, file } = await spooled(t);
  const whole = readFileSync(file);
  // What a kill halfway through an append leaves: the start of a record, copied from the first one.
  appendFileSync(file, whole.subarray(0, 300));
  const r = await replay(t, dir, url, port);
  assert.equal(r.delivered, 500);
  assert.equal(r.corrupt, 1);
  assert.equal(r.stats.replayed, 500);
  assertCounted(r.stats, 0);
  assert.deepEqual(segments(dir), [], 'the segment is deleted once what could be read was delivered');
});

test('a record whose checksum fails is skipped with the rest of its segment, reported once', async (t) => {
  const { dir, url, port, file } = await spooled(t);
  const bytes = readFileSync(file);
  // Flip one byte in the middle of the file: the record there (and those after it) are not trusted.
  const at = Math.floor(bytes.length / 2);
  bytes[at] = bytes[at]! ^ 0xff;
  writeFileSync(file, bytes);
  const r = await replay(t, dir, url, port);
  assert.ok(r.delivered >= 200 && r.delivered < 500, `${r.delivered} delivered`);
  assert.equal(r.corrupt, 1);
  assert.equal(r.stats.sent, r.delivered);
  assertCounted(r.stats, 0);
});
