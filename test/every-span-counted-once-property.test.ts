// Every span is counted exactly once, as sent or dropped by reason, whatever the sink does: a
// property over random plain sinks (throw, reject, accept, late) and random transports on the
// delivery engine (sent, retry, split, refused, throw, never answer).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { createTracer, deliveringSink, type SendOutcome, type Sink, type TracerStats } from '../src/index.js';

const total = (s: TracerStats): number => s.sent + s.dropped.queueFull + s.dropped.rejected + s.dropped.expired + s.dropped.sinkFailed;
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('plain sinks that fail at random: ended = sent + dropped, with nothing left queued', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.constantFrom('ok', 'throw', 'reject', 'late'), { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 64 }), async (behaviours, spans, batch) => {
      let n = 0;
      const sink: Sink = {
        write() {
          const b = behaviours[n++ % behaviours.length];
          if (b === 'throw') throw new Error('write');
          if (b === 'reject') return Promise.reject(new Error('reject'));
          if (b === 'late') return tick();
          return undefined;
        },
      };
      const tracer = createTracer({ serviceName: 'prop', sink, warnings: false, maxBatchSpans: batch, maxQueueSpans: 100 });
      const work = tracer.traced(async () => undefined);
      for (let i = 0; i < spans; i++) await work();
      await tracer.close({ timeoutMillis: 5000 });
      const s = tracer.stats();
      assert.equal(s.ended, spans);
      assert.equal(s.queued + s.inFlight, 0);
      assert.equal(total(s), spans, JSON.stringify(s));
    }),
    { numRuns: 40 },
  );
});

test('transports that answer at random on the delivery engine: ended = sent + dropped, also when close() gives up on answers that never come', async () => {
  const outcome = fc.constantFrom<'sent' | 'retry' | 'split' | 'refused' | 'throw' | 'hang'>('sent', 'retry', 'split', 'refused', 'throw', 'hang');
  await fc.assert(
    fc.asyncProperty(fc.array(outcome, { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 50 }), async (answers, spans, batch) => {
      let n = 0;
      const sink = deliveringSink(
        {
          target: 'random',
          send(): SendOutcome | Promise<SendOutcome> {
            const a = answers[n++ % answers.length];
            if (a === 'throw') throw new Error('send');
            if (a === 'hang') return new Promise(() => undefined);
            if (a === 'retry') return { outcome: 'retry', reason: 'random' };
            if (a === 'split') return { outcome: 'split', kind: 'SEND_FAILED', message: 'random' };
            if (a === 'refused') return { outcome: 'refused', kind: 'SEND_FAILED', message: 'random' };
            return tick().then(() => ({ outcome: 'sent' }) as const);
          },
        },
        { maxBatchSpans: batch, maxRetries: 2, initialBackoffMillis: 0, maxBackoffMillis: 1, flushIntervalMillis: 0, timeoutMillis: 50, maxInFlight: 3, warnings: false },
      );
      const tracer = createTracer({ serviceName: 'prop', sink, warnings: false });
      const work = tracer.traced(async () => undefined);
      for (let i = 0; i < spans; i++) await work();
      await tracer.close({ timeoutMillis: 300 });
      const s = tracer.stats();
      assert.equal(s.ended, spans);
      assert.equal(s.queued + s.inFlight, 0, JSON.stringify(s));
      assert.equal(total(s), spans, JSON.stringify(s));
    }),
    { numRuns: 40 },
  );
});
