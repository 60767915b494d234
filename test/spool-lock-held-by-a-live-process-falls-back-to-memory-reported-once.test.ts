// One owner per spool directory: while a live process holds its lock, a second sink keeps its spans
// in memory (reported once, SPOOL_LOCKED) and still delivers them; it never touches the owner's files.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink } from '../src/index.js';
import { fakeCollector, freePort } from './fixtures/http-collector.js';
import { assertCounted, failures, segments, tempDir } from './fixtures/spool-helpers.js';
import { startSpoolChild } from './fixtures/spool-run.js';

test('a second process on a locked spool dir falls back to memory, reports SPOOL_LOCKED once, and delivers', async (t) => {
  const root = tempDir(t, 'spool-lock');
  const dir = join(root, 'spool');
  // The owner: a recording child with its collector down, so its records stay on disk.
  const owner = startSpoolChild({ SPOOL_DIR: dir, SPOOL_URL: `http://127.0.0.1:${await freePort()}/api/v2/spans`, SPOOL_MODE: 'record', SPOOL_SIDE: join(root, 'ended.txt') });
  t.after(async () => {
    owner.child.kill('SIGKILL');
    await owner.exited;
  });
  await owner.line('ready');
  const ownerFiles = segments(dir).map((s) => s.name);

  const collector = await fakeCollector();
  t.after(() => collector.stop());
  const seen = failures();
  const sink = zipkinHttpSink({ url: collector.url, spool: { dir, always: true }, flushIntervalMillis: 10, onError: seen.onError, warnings: false });
  const tracer = createTracer({ serviceName: 'spool-lock', sink, warnings: false });
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 100; i++) tracer.startSpan('second').end();
    await tracer.flush();
  }
  assert.equal(seen.count('SPOOL_LOCKED'), 1);
  assert.match(seen.events.find((e) => e.kind === 'SPOOL_LOCKED')!.message, new RegExp(`process ${owner.child.pid}`));
  assert.equal(collector.accepted.size, 300);
  const s = sink.stats();
  assert.equal(s.spooled, 0);
  assert.equal(s.replayed, 0, "the owner's records are not replayed by the second process");
  assertCounted(s, 300);
  await tracer.close();
  for (const name of ownerFiles) assert.ok(segments(dir).some((x) => x.name === name), `${name} is still the owner's`);
  // Stopped here, not only in the after-hook: the directory is removed first (hooks run in order).
  owner.child.kill('SIGKILL');
  await owner.exited;
});
