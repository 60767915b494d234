import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTracer, memorySink, monotonicClock } from '../src/index.js';

test('the default clock never goes backwards over a million reads', () => {
  let last = monotonicClock.now();
  for (let i = 0; i < 1_000_000; i++) {
    const now = monotonicClock.now();
    assert.ok(now >= last, `read ${i}: ${now} < ${last}`);
    last = now;
  }
});

test('spans traced one after another with the default clock have non-decreasing start timestamps', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'clock', sink });
  const step = tracer.traced(async (_span, i: number) => i, { name: 'step' });
  for (let i = 0; i < 20_000; i++) await step(i);
  await tracer.flush();
  const spans = sink.drain();
  assert.equal(spans.length, 20_000);
  for (let i = 1; i < spans.length; i++) {
    const prev = spans[i - 1]!;
    const cur = spans[i]!;
    assert.ok(cur.timestamp! >= prev.timestamp!, `span ${i} starts at ${cur.timestamp}, before span ${i - 1} at ${prev.timestamp}`);
    // Sequential: each starts no earlier than the previous one ended (rounding to the microsecond aside).
    assert.ok(cur.timestamp! >= prev.timestamp! + prev.duration! - 1, `span ${i} starts before span ${i - 1} ended`);
  }
  for (const s of spans) assert.ok(s.duration! >= 1);
});
