import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createTracer, memorySink, type Clock } from '../src/index.js';
import { assertZipkinSpan } from './helpers/zipkin-spec.js';

const NOW = 1_795_000_000_000_000; // 2026, epoch microseconds
const HOUR = 3_600_000_000;

/** A clock that reads the next scripted value each time; the last one repeats. */
function scripted(values: number[]): Clock {
  let i = 0;
  return { now: () => values[Math.min(i++, values.length - 1)]! };
}

test('a clock that jumps backwards or forwards during calls never gives a negative or zero duration', async () => {
  await fc.assert(
    fc.asyncProperty(
      // Each reading is the previous one moved by anything from an hour back to an hour ahead, 0 included.
      fc.array(fc.oneof(fc.constant(0), fc.integer({ min: -HOUR, max: HOUR }), fc.double({ min: -10, max: 10, noNaN: true })), { minLength: 1, maxLength: 8 }),
      async (steps) => {
        const readings = steps.reduce<number[]>((acc, d) => [...acc, acc[acc.length - 1]! + d], [NOW]);
        const sink = memorySink();
        const tracer = createTracer({ serviceName: 'clock', sink, clock: scripted(readings), warnings: false });
        await tracer.traced(async (span) => {
          span.annotate('during');
          await tracer.traced(async (child) => child.annotate('inner'))();
        })();
        const manual = tracer.startSpan('manual');
        manual.annotate('a');
        manual.end();
        await tracer.flush();
        assert.equal(sink.spans.length, 3);
        for (const span of sink.spans) {
          assertZipkinSpan(span);
          assert.ok(Number.isInteger(span.duration) && span.duration! >= 1, `duration ${span.duration}`);
          // An annotation never lands before its span started, whatever the clock did.
          for (const a of span.annotations ?? []) assert.ok(a.timestamp >= span.timestamp!, `annotation ${a.timestamp} < start ${span.timestamp}`);
        }
      },
    ),
    { numRuns: 2_000 },
  );
});

test('a clock standing still gives a duration of 1 microsecond, not 0', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'clock', sink, clock: { now: () => NOW } });
  await tracer.traced(async () => 'done')();
  await tracer.flush();
  assert.equal(sink.spans[0]?.duration, 1);
  assert.equal(sink.spans[0]?.timestamp, NOW);
});

test('an explicit end time before the start, as a jumped clock would give, is still a positive duration', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'clock', sink, clock: { now: () => NOW } });
  tracer.startSpan('ends before it starts').end(NOW - HOUR);
  await tracer.flush();
  assertZipkinSpan(sink.spans[0]);
  assert.equal(sink.spans[0]?.duration, 1);
});
