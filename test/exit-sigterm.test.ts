import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { fakeCollector } from './fixtures/http-collector.js';

const CHILD = new URL('./fixtures/http-exit-child.ts', import.meta.url).pathname;

test('on SIGTERM flushOnExit delivers the queued spans, then the process ends by SIGTERM as it would have without the handler', { timeout: 60_000 }, async () => {
  const collector = await fakeCollector();
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, 'sigterm', collector.url, '300'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.setEncoding('utf8');
    const [line] = (await once(child.stdout, 'data')) as [string];
    assert.equal(line, 'ready\n');
    assert.equal(collector.acceptedTotal(), 0, 'nothing sent yet: the batch interval is a minute');
    child.kill('SIGTERM');
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    // Killed by the re-raised signal: a shell reports 128 + 15 = 143.
    assert.equal(code, null, stderr);
    assert.equal(signal, 'SIGTERM');
    assert.equal(collector.acceptedTotal(), 300);
    assert.equal(collector.accepted.size, 300);
  } finally {
    await collector.stop();
  }
});
