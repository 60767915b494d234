import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink, type ZipkinHttpSink } from '../src/index.js';
import { fakeCollector, type Answer } from './fixtures/http-collector.js';
import { recordSpans } from './fixtures/http-spans.js';

const MAX_IN_FLIGHT = 3;

test('no more than maxInFlight requests are ever open at once, and the cap is used', async () => {
  // Answers are held until MAX_IN_FLIGHT requests are open (or nothing more is coming), so a
  // sink that opened more would be seen doing it.
  let held: Array<(a: Answer) => void> = [];
  const ref: { sink?: ZipkinHttpSink } = {};
  const collector = await fakeCollector(
    () =>
      new Promise<Answer>((resolve) => {
        held.push(resolve);
        if (held.length >= MAX_IN_FLIGHT || ref.sink?.stats().queued === 0) {
          const release = held;
          held = [];
          for (const r of release) r({ status: 202 });
        }
      }),
  );
  const sink = (ref.sink = zipkinHttpSink({ url: collector.url, maxBatchSpans: 50, maxInFlight: MAX_IN_FLIGHT, warnings: false }));
  const tracer = createTracer({ serviceName: 'max-in-flight', sink, warnings: false });
  try {
    const ids = await recordSpans(tracer, 2000, 20);
    const result = await tracer.close({ timeoutMillis: 30_000 });
    assert.equal(result.complete, true);
    assert.equal(collector.maxOpen(), MAX_IN_FLIGHT);
    assert.ok(collector.requests.length >= 2000 / 50);
    for (const id of ids) assert.equal(collector.accepted.get(id), 1);
  } finally {
    await collector.stop();
  }
});
