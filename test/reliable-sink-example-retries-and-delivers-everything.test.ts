import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runToEnd } from './helpers/process.js';

test('the reliable-sink example delivers all 250 spans through a destination that fails its first two requests, and counts the retries', async () => {
  const root = fileURLToPath(new URL('../', import.meta.url));
  const run = await runToEnd(process.execPath, ['--import', 'tsx', 'examples/reliable-sink.ts'], { cwd: root });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^delivered 250 spans in 5 requests; complete: true$/m);
  assert.match(run.stdout, /sent 250, retried 200, dropped \{"queueFull":0,"rejected":0,"expired":0,"sinkFailed":0\}, failures \{"SEND_FAILED":2\}/);
});
