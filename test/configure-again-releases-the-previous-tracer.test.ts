import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { configure, ndjsonFileSink, traced } from '../src/index.js';

/** Open file descriptors of this process. */
const openFds = (): number => readdirSync('/proc/self/fd').length;

test('10,000 configure() calls, each followed by a traced call, leave no file descriptors and no exit listeners behind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'configure-'));
  try {
    const work = traced(async () => 1, { name: 'work' });
    configure({ serviceName: 'warm-up', sink: ndjsonFileSink(join(dir, 'warm-up.ndjson')) });
    await work();
    const fdsBefore = openFds();
    const listenersBefore = ['beforeExit', 'exit', 'SIGTERM', 'SIGINT'].map((e) => process.listenerCount(e));
    for (let i = 0; i < 10_000; i++) {
      configure({ serviceName: 'again', sink: ndjsonFileSink(join(dir, `spans-${i % 50}.ndjson`)), flushOnExit: i % 2 === 0 });
      await work();
    }
    // The last one is current and stays open; every earlier one closes once its call has ended.
    const last = configure({ serviceName: 'last', sink: ndjsonFileSink(join(dir, 'last.ndjson')) });
    const deadline = Date.now() + 10_000;
    while (openFds() > fdsBefore + 2 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    assert.ok(openFds() <= fdsBefore + 2, `open fds went from ${fdsBefore} to ${openFds()}`);
    assert.deepEqual(['beforeExit', 'exit', 'SIGTERM', 'SIGINT'].map((e) => process.listenerCount(e)), listenersBefore, 'one set of listeners, however many tracers');
    await last.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
