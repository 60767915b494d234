// traced() keeps the caller's AsyncLocalStorage store, with either implementation Node has: inside
// the traced function across timers and immediates, in nested traced calls, in the caller's
// continuation and catch, each concurrent caller its own, and none where there was none. That is
// what an AsyncLocalStorage-based context (OpenTelemetry's, a request logger's) relies on around
// traced code. Node 24 backs AsyncLocalStorage with AsyncContextFrame by default
// (--no-async-context-frame returns to async_hooks), Node 22 has it behind
// --experimental-async-context-frame, Node 20 has only async_hooks: each implementation this Node
// has runs the same scenario in a child process (test/fixtures/async-local-storage-through-traced.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asyncContextFrameByDefault, nodeVersion, otherAsyncLocalStorageFlag } from './helpers/node-features.js';
import { runToEnd } from './helpers/process.js';

const fixture = new URL('./fixtures/async-local-storage-through-traced.ts', import.meta.url).pathname;

async function scenario(flags: string[]): Promise<Record<string, unknown>> {
  const run = await runToEnd(process.execPath, [...flags, '--import', 'tsx', fixture], { timeout: 60_000 });
  assert.equal(run.status, 0, `the scenario (node ${flags.join(' ')}) failed:\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
}

const expected = {
  concurrent: ['a', 'b', 'c'].map((label) => ({
    label,
    atCall: `store-${label}`,
    afterTimer: `store-${label}`,
    afterImmediate: `store-${label}`,
    nested: `store-${label}`,
    insideRun: `inner-${label}`,
    afterInsideRun: `store-${label}`,
    continuation: `store-${label}`,
  })),
  rejected: 'store-failing',
  sync: 'store-sync',
  thenable: 'store-thenable',
  outside: null,
  spans: ['failing', 'inner', 'inner', 'inner', 'inner run', 'inner run', 'inner run', 'outer', 'outer', 'outer', 'outside', 'sync', 'thenable'],
  parentsOfInner: ['outer', 'outer', 'outer'],
};

test('traced() keeps AsyncLocalStorage stores with async_hooks and with AsyncContextFrame, on each Node that has them', async () => {
  const byDefault = await scenario([]);
  const defaultImplementation = asyncContextFrameByDefault ? 'AsyncContextFrame' : 'async_hooks';
  assert.deepEqual(byDefault, { implementation: defaultImplementation, ...expected }, `Node ${nodeVersion.text}, its default AsyncLocalStorage`);

  if (otherAsyncLocalStorageFlag !== undefined) {
    const other = await scenario([otherAsyncLocalStorageFlag]);
    const otherImplementation = asyncContextFrameByDefault ? 'async_hooks' : 'AsyncContextFrame';
    assert.deepEqual(other, { implementation: otherImplementation, ...expected }, `Node ${nodeVersion.text} ${otherAsyncLocalStorageFlag}`);
  } else {
    // Node 20: no AsyncContextFrame, so no flag for it; the scenario above ran on async_hooks.
    const flag = await runToEnd(process.execPath, ['--experimental-async-context-frame', '-e', '']);
    assert.notEqual(flag.status, 0, `Node ${nodeVersion.text} has no AsyncContextFrame to switch to`);
    assert.match(flag.stderr, /bad option/);
  }
});
