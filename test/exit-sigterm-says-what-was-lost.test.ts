import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { freePort } from './fixtures/http-collector.js';

const CHILD = new URL('./fixtures/http-exit-child.ts', import.meta.url).pathname;

test('on SIGTERM with the collector down, what could not be delivered is said on stderr before the signal ends the process', { timeout: 60_000 }, async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, 'sigterm', `http://127.0.0.1:${port}/api/v2/spans`, '120', '100000'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const [line] = (await once(child.stdout.setEncoding('utf8'), 'data')) as [string];
  assert.equal(line, 'ready\n');
  child.kill('SIGTERM');
  const [, signal] = (await once(child, 'exit')) as [number | null, string | null];
  assert.equal(signal, 'SIGTERM', stderr);
  // Written synchronously: a warning deferred to the next tick would die with the process.
  assert.match(stderr, /^deferred-span: on SIGTERM, service "exit-child" could not deliver everything within 2000 ms: 120 span\(s\) expired, 0 dropped otherwise in this run\.$/m);
});
