// A write that fails mid-run (here EFBIG: the child runs under `ulimit -f`, a file size limit that
// fails writes as a full disk does; a real ENOSPC needs a full file system, which a test cannot
// make without root mounts) is reported once as SPOOL_WRITE_FAILED; later spans stay in memory and
// every span is still delivered. The process neither crashes nor is killed (Node ignores SIGXFSZ).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fakeCollector } from './fixtures/http-collector.js';
import { segments, tempDir } from './fixtures/spool-helpers.js';
import { startSpoolChild } from './fixtures/spool-run.js';

// In blocks: 512 bytes for dash's ulimit, 1024 for bash's (1 or 2 MiB); a batch of 1,000 spans is about 250 kB.
const LIMIT_BLOCKS = 2048;

test('a failing spool write is reported once; the spans after it are delivered from memory', { skip: process.platform === 'win32' ? 'needs ulimit' : false }, async (t) => {
  const dir = join(tempDir(t, 'spool-full'), 'spool');
  const collector = await fakeCollector();
  t.after(() => collector.stop());
  const count = 20_000; // about 5 MB of JSON, far past the limit
  const child = startSpoolChild({ SPOOL_DIR: dir, SPOOL_URL: collector.url, SPOOL_MODE: 'fill', SPOOL_COUNT: String(count) }, `ulimit -f ${LIMIT_BLOCKS}`);
  const exit = await child.exited;
  assert.equal(exit.code, 0, exit.stderr);
  const stats = JSON.parse(exit.stdout.trim().split('\n').at(-1)!) as { sent: number; spooled: number; failures: Record<string, number>; dropped: Record<string, number> };
  assert.equal(stats.failures.SPOOL_WRITE_FAILED, 1, JSON.stringify(stats));
  assert.ok(stats.spooled > 0 && stats.spooled < count, `${stats.spooled} spans went to disk before the limit`);
  assert.equal(stats.sent, count, JSON.stringify(stats));
  assert.equal(collector.accepted.size, count);
  assert.ok(segments(dir).every((s) => s.bytes <= LIMIT_BLOCKS * 1024));
});
