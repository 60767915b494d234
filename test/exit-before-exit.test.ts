import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeCollector } from './fixtures/http-collector.js';
import { runToEnd } from './helpers/process.js';

const CHILD = new URL('./fixtures/http-exit-child.ts', import.meta.url).pathname;

test('flushOnExit delivers a batch job\'s last spans on beforeExit, and the process then ends by itself', { timeout: 60_000 }, async () => {
  const collector = await fakeCollector();
  try {
    const { status: code, signal, stderr } = await runToEnd(process.execPath, ['--import', 'tsx', CHILD, 'before-exit', collector.url, '250']);
    assert.equal(signal, null);
    assert.equal(code, 0, stderr);
    assert.equal(collector.acceptedTotal(), 250);
    assert.equal(collector.accepted.size, 250);
    assert.match(stderr, /exit 0 sent=250 queued=0 inFlight=0 expired=0/);
  } finally {
    await collector.stop();
  }
});
