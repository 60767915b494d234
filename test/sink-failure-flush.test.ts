import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTracer } from '../src/index.js';

test('a sink whose flush and close reject never make tracer.flush or tracer.close reject, and the failure is counted', async () => {
  const written: number[] = [];
  const tracer = createTracer({
    serviceName: 'sink-failure',
    warnings: false,
    sink: {
      write: (batch) => void written.push(batch.length),
      flush: () => Promise.reject(new Error('flush failed')),
      close: () => {
        throw new Error('close failed');
      },
    },
  });
  assert.equal(await tracer.traced(async () => 'value')(), 'value');
  const flushed = await tracer.flush();
  assert.equal(flushed.pending, 0);
  const closed = await tracer.close();
  assert.equal(closed.pending, 0);
  assert.deepEqual(written, [1]);
  assert.equal(tracer.stats().failures.SINK_FLUSH_FAILED, 2);
});
