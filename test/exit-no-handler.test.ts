import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeCollector } from './fixtures/http-collector.js';
import { runToEnd } from './helpers/process.js';

const CHILD = new URL('./fixtures/http-exit-child.ts', import.meta.url).pathname;

test('the sink\'s timers never keep a finished process alive: without an exit handler it ends with its spans still queued', { timeout: 60_000 }, async () => {
  const collector = await fakeCollector();
  try {
    const { status: code, stderr } = await runToEnd(process.execPath, ['--import', 'tsx', CHILD, 'none', collector.url, '40']);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /exit 0 sent=0 queued=40 inFlight=0/);
    assert.equal(collector.acceptedTotal(), 0, 'this is what flushOnExit is for');
  } finally {
    await collector.stop();
  }
});
