import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runToEnd } from './helpers/process.js';

test('40 queued spans with 10 MB tag values and error messages hold a few MiB after GC, not the 400 MB of their originals', async () => {
  const fixture = fileURLToPath(new URL('./fixtures/cut-values-heap.ts', import.meta.url));
  const run = await runToEnd(process.execPath, ['--expose-gc', '--import', 'tsx', fixture]);
  assert.equal(run.status, 0, run.stderr);
  const { spans, heldMiB } = JSON.parse(run.stdout) as { spans: number; heldMiB: number };
  assert.equal(spans, 40);
  // 40 tags of 32 KB (64 KiB each as UTF-16) plus 20 error tags: about 4 MiB of kept text.
  assert.ok(heldMiB < 16, `held ${heldMiB.toFixed(1)} MiB after GC`);
});
