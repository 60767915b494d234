import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, memorySink, type Sink } from '../src/index.js';
import { assertZipkinSpan } from './helpers/zipkin-spec.js';

test('flush resolves once every span ended before it reached the memory sink, across many batches', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'flush', sink, batchSize: 100 });
  const call = tracer.traced(async (span, i: number) => span.tag('i', i));
  await Promise.all(Array.from({ length: 2500 }, (_, i) => call(i)));
  for (let i = 0; i < 10; i++) tracer.startSpan('manual').end();

  const result = await tracer.flush();
  assert.deepEqual(result, { complete: true, pending: 0, dropped: { queueFull: 0, rejected: 0, expired: 0, sinkFailed: 0 } });
  assert.equal(sink.spans.length, 2510);
  assert.equal(new Set(sink.spans.map((s) => s.tags?.i).filter((i) => i !== undefined)).size, 2500);
  for (const s of sink.spans) assertZipkinSpan(s);
  assert.equal(tracer.stats().sent, 2510);
});

test('flush waits for a sink whose writes finish later', async () => {
  const delivered: number[] = [];
  let writes = 0;
  const slow: Sink = {
    write(batch) {
      writes++;
      // Delivered a few event-loop turns later, as a network sink would.
      return new Promise<void>((resolve) => {
        setImmediate(() => setImmediate(() => {
          delivered.push(batch.length);
          resolve();
        }));
      });
    },
  };
  const tracer = createTracer({ serviceName: 'flush', sink: slow, batchSize: 7 });
  await Promise.all(Array.from({ length: 50 }, () => tracer.traced(() => 1)()));
  const result = await tracer.flush();
  assert.equal(result.complete, true);
  assert.equal(delivered.reduce((a, b) => a + b, 0), 50);
  assert.equal(delivered.length, writes);
});
