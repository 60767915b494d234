import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { fakeCollector } from './fixtures/http-collector.js';

const CHILD = new URL('./fixtures/http-exit-child.ts', import.meta.url).pathname;

test('flushOnExit delivers a batch job\'s last spans on beforeExit, and the process then ends by itself', { timeout: 60_000 }, async () => {
  const collector = await fakeCollector();
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, 'before-exit', collector.url, '250'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    assert.equal(signal, null);
    assert.equal(code, 0, stderr);
    assert.equal(collector.acceptedTotal(), 250);
    assert.equal(collector.accepted.size, 250);
    assert.match(stderr, /exit 0 sent=250 queued=0 inFlight=0 expired=0/);
  } finally {
    await collector.stop();
  }
});
