import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTracer, type DiagnosticEvent, type Sink } from '../src/index.js';

// Each way a sink's write can fail: throw an Error, throw a non-Error, reject, reject with a hostile value.
const failures: Record<string, () => Sink['write']> = {
  'throws an Error': () => () => {
    throw new Error('disk on fire');
  },
  'throws a string': () => () => {
    throw 'nope';
  },
  'throws an object whose toString throws': () => () => {
    throw { toString: () => { throw new Error('toString'); } };
  },
  'rejects': () => () => Promise.reject(new Error('collector down')),
  'rejects with undefined': () => () => Promise.reject(undefined),
};

for (const [how, makeWrite] of Object.entries(failures)) {
  test(`a sink whose write ${how} never breaks traced calls, and its spans are counted as sinkFailed`, async () => {
    const events: DiagnosticEvent[] = [];
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    try {
      const tracer = createTracer({ serviceName: 'sink-failure', sink: { write: makeWrite() }, onError: (e) => events.push(e) });
      const value = { same: 'object' };
      const ok = tracer.traced(async () => value, { name: 'ok' });
      const syncOk = tracer.traced(() => 42, { name: 'sync' });
      const userError = new TypeError('the user’s own error');
      const bad = tracer.traced(async () => {
        throw userError;
      }, { name: 'bad' });

      for (let i = 0; i < 50; i++) {
        assert.equal(await ok(), value, 'the very same value comes back');
        assert.equal(await syncOk(), 42);
        await assert.rejects(bad(), (e) => e === userError, 'the very same error comes back');
        const manual = tracer.startSpan('manual');
        manual.end();
      }
      const flushed = await tracer.flush();
      const s = tracer.stats();
      assert.equal(s.ended, 200);
      assert.equal(s.dropped.sinkFailed, 200, 'every span the sink failed to take is counted');
      assert.equal(s.sent, 0);
      assert.equal(s.queued, 0);
      assert.equal(flushed.dropped.sinkFailed, 200);
      assert.ok((s.failures.SINK_WRITE_FAILED ?? 0) >= 1);
      assert.equal(events.filter((e) => e.kind === 'SINK_WRITE_FAILED').length, s.failures.SINK_WRITE_FAILED);
      // Warned once for the kind, not once per batch.
      await new Promise<void>((resolve) => setImmediate(resolve));
      assert.equal(warnings.filter((w) => (w as { code?: string }).code === 'DEFERRED_SPAN_SINK_WRITE_FAILED').length, 1);
    } finally {
      process.off('warning', onWarning);
    }
  });
}

test('an onError hook that throws does not break traced calls either', async () => {
  const tracer = createTracer({
    serviceName: 'sink-failure',
    warnings: false,
    sink: { write: () => { throw new Error('sink'); } },
    onError: () => {
      throw new Error('hook');
    },
  });
  assert.equal(await tracer.traced(async () => 'value')(), 'value');
  await tracer.flush();
  assert.equal(tracer.stats().dropped.sinkFailed, 1);
});
