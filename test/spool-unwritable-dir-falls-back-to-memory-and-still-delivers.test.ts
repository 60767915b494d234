// A spool dir that cannot be made (here: a path under a regular file, ENOTDIR: tests run as root, so
// permissions would not stop a write) is reported once as SPOOL_UNAVAILABLE; spans stay in memory
// and are delivered as without a spool. Nothing throws into the caller.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink } from '../src/index.js';
import { fakeCollector } from './fixtures/http-collector.js';
import { assertCounted, failures, tempDir } from './fixtures/spool-helpers.js';

test('an unusable spool dir is reported once; every span is still delivered from memory', async (t) => {
  const root = tempDir(t, 'spool-unwritable');
  const file = join(root, 'a-file');
  writeFileSync(file, 'not a directory');
  const collector = await fakeCollector();
  t.after(() => collector.stop());
  const seen = failures();
  const sink = zipkinHttpSink({ url: collector.url, spool: { dir: join(file, 'spool'), always: true }, flushIntervalMillis: 10, onError: seen.onError, warnings: false });
  const tracer = createTracer({ serviceName: 'spool-unwritable', sink, warnings: false });
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 200; i++) tracer.startSpan('s').end();
    await tracer.flush();
  }
  await tracer.close();
  assert.equal(seen.count('SPOOL_UNAVAILABLE'), 1);
  assert.match(seen.events[0]!.message, /ENOTDIR/);
  assert.equal(collector.accepted.size, 600);
  const s = sink.stats();
  assert.equal(s.sent, 600);
  assert.equal(s.spooled, 0);
  assertCounted(s, 600);
});
