import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, memorySink, type Clock } from '../src/index.js';
import { assertZipkinSpan } from './helpers/zipkin-spec.js';

test('annotation timestamps are integers inside their span, with the real clock', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'events', sink });
  await Promise.all(
    Array.from({ length: 200 }, () =>
      tracer.traced(async (span) => {
        span.annotate('start');
        await new Promise((resolve) => setImmediate(resolve));
        span.annotate('middle');
        span.annotate('end');
      })(),
    ),
  );
  await tracer.flush();
  assert.equal(sink.spans.length, 200);
  for (const s of sink.spans) {
    assertZipkinSpan(s);
    assert.equal(s.annotations?.length, 3);
    for (const a of s.annotations!) {
      assert.ok(Number.isInteger(a.timestamp));
      assert.ok(a.timestamp >= s.timestamp! && a.timestamp <= s.timestamp! + s.duration!, JSON.stringify(s));
    }
  }
});

test('annotation timestamps stay inside the span whatever fractions of a microsecond the clock gives', async () => {
  // Fractions chosen so that rounding start, end and duration separately can disagree by 1µs.
  // Near 1.7e15 a double holds quarters of a microsecond: the real clock gives these too.
  const BASE = 1_700_000_000_000_000;
  const readings = [
    [0.25, 1.5, 1.5],
    [0.25, 3.5, 3.5],
    [0.75, 0.75, 1.25],
    [0.5, 1.5, 2.25],
    [0.25, 0.25, 0.5],
  ];
  for (const [start, at, finish] of readings) {
    let next = 0;
    const times = [BASE + start!, BASE + at!, BASE + finish!];
    const clock: Clock = { now: () => times[next++]! };
    const sink = memorySink();
    const tracer = createTracer({ serviceName: 'events', sink, clock });
    const span = tracer.startSpan('fractions');
    span.annotate('event');
    span.end();
    await tracer.flush();
    const s = sink.spans[0]!;
    assertZipkinSpan(s);
    const a = s.annotations![0]!;
    assert.ok(
      a.timestamp >= s.timestamp! && a.timestamp <= s.timestamp! + s.duration!,
      `clock ${start}/${at}/${finish}: annotation at ${a.timestamp - BASE}, span ${s.timestamp! - BASE}..${s.timestamp! + s.duration! - BASE}`,
    );
  }
});
