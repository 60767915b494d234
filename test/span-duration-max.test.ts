import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, memorySink, type Clock } from '../src/index.js';

/** A clock the test moves by hand, in epoch microseconds. */
function manualClock(start = 1_700_000_000_000_000): Clock & { advanceMillis(ms: number): void } {
  let now = start;
  return { now: () => now, advanceMillis: (ms) => void (now += ms * 1000) };
}

test('a call open longer than maxSpanDurationMillis is emitted at the next flush, marked orphaned, with the time it was open', async () => {
  const clock = manualClock();
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'cutoff', sink, clock, maxSpanDurationMillis: 1000, warnings: false });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const pending = tracer.traced(async () => {
    await gate;
    return 'late';
  }, { name: 'hangs' })();
  clock.advanceMillis(999);
  await tracer.flush();
  assert.equal(sink.spans.length, 0, 'not cut off before its limit');
  clock.advanceMillis(1001);
  await tracer.flush();
  assert.equal(sink.spans.length, 1);
  const s = sink.spans[0]!;
  assert.equal(s.name, 'hangs');
  assert.equal(s.duration, 2_000_000);
  assert.deepEqual(s.tags, { orphaned: 'max_duration' });
  assert.deepEqual(s.annotations, [{ timestamp: s.timestamp! + 2_000_000, value: 'orphaned' }]);
  assert.equal(tracer.stats().orphaned, 1);
  assert.equal(tracer.stats().open, 0);

  // The call still settles normally for its caller; its span is not emitted a second time.
  release();
  assert.equal(await pending, 'late');
  await tracer.flush();
  assert.equal(sink.spans.length, 1);
});

test('only the spans past the limit are cut off; younger ones end normally', async () => {
  const clock = manualClock();
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'cutoff', sink, clock, maxSpanDurationMillis: 5000, warnings: false });
  const old = tracer.startSpan('old');
  clock.advanceMillis(3000);
  const young = tracer.startSpan('young');
  clock.advanceMillis(3000);
  await tracer.flush();
  assert.deepEqual(sink.spans.map((s) => [s.name, s.tags?.orphaned]), [['old', 'max_duration']]);
  young.end();
  old.end(); // already cut off: ignored
  await tracer.flush();
  assert.deepEqual(sink.spans.map((s) => [s.name, s.tags?.orphaned]), [['old', 'max_duration'], ['young', undefined]]);
  assert.equal(sink.spans[1]!.duration, 3_000_000);
});

test('maxSpanDurationMillis must be a positive integer', () => {
  assert.throws(() => createTracer({ serviceName: 'x', sink: memorySink(), maxSpanDurationMillis: 0 }), /maxSpanDurationMillis/);
  assert.throws(() => createTracer({ serviceName: 'x', sink: memorySink(), maxSpanDurationMillis: -5 }), /maxSpanDurationMillis/);
});
