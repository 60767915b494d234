import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeCollector } from './fixtures/http-collector.js';
import { runToEnd } from './helpers/process.js';

const CHILD = new URL('./fixtures/http-exit-child.ts', import.meta.url).pathname;

test('without flushOnExit a tracer still delivers its last spans when the process ends on its own, and the sink\'s timers never keep it alive', { timeout: 60_000 }, async () => {
  const collector = await fakeCollector();
  try {
    // The sink's interval is a minute: only the exit handling every tracer has can send these.
    const { status: code, stderr } = await runToEnd(process.execPath, ['--import', 'tsx', CHILD, 'none', collector.url, '40']);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /exit 0 sent=40 queued=0 inFlight=0 expired=0/);
    assert.equal(collector.acceptedTotal(), 40);
    assert.doesNotMatch(stderr, /deferred-span:/, 'nothing to report');
  } finally {
    await collector.stop();
  }
});

test('process.exit() with a flush not awaited cannot deliver: the spans are counted as dropped and one line on stderr says how many and the fix', { timeout: 60_000 }, async () => {
  const collector = await fakeCollector();
  try {
    const { status: code, stderr } = await runToEnd(process.execPath, ['--import', 'tsx', CHILD, 'exit-now', collector.url, '50']);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /^deferred-span: 50 span\(s\) of service "exit-child" were still undelivered when the process exited \(the process exited \(process\.exit\(\) or a signal\) before they were sent\); they were counted as dropped\. Fix: await tracer\.close\(\) before process\.exit\(\), or createTracer\(\{ flushOnExit: true \}\) for signals\.$/m);
    assert.match(stderr, /exit 0 sent=0 queued=0 inFlight=0 expired=50/);
  } finally {
    await collector.stop();
  }
});
