import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freePort } from './fixtures/http-collector.js';
import { runToEnd } from './helpers/process.js';

const CHILD = new URL('./fixtures/http-exit-child.ts', import.meta.url).pathname;

test('when the collector is unreachable the beforeExit flush gives up at its deadline and the process still ends, without looping', { timeout: 60_000 }, async () => {
  const port = await freePort();
  // createTracer({ flushOnExit: { timeoutMillis: 2000 } }): the option form of the handler.
  const { status: code, stderr } = await runToEnd(process.execPath, ['--import', 'tsx', CHILD, 'option', `http://127.0.0.1:${port}/api/v2/spans`, '50', '100000']);
  assert.equal(code, 0, stderr);
  // Retries outlast the flush deadline: the spans are still waiting (backing off) when the
  // process ends, and beforeExit, fired again after the flush, did not start another one. At exit
  // they are counted as dropped, and one line says so (written at once, from the exit event).
  assert.match(stderr, /^deferred-span: 50 span\(s\) of service "exit-child" were still undelivered when the process exited \(the sink did not take them within 2000 ms of the event loop running empty\); they were counted as dropped\. Fix: check that the destination is up, or raise exitTimeoutMillis\.$/m);
  assert.match(stderr, /exit 0 sent=0 queued=0 inFlight=0 expired=50/);
});
