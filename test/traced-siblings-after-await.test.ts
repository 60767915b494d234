// The bug this library exists for: siblings started after an `await` must keep their parent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, memorySink } from '../src/index.js';
import { assertZipkinSpan } from './helpers/zipkin-spec.js';

test('1,000 concurrent siblings started after an await in the parent all share the parent and have distinct IDs', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'fan-out', sink });
  const work = tracer.traced(
    async (parent, n: number) => {
      await new Promise((resolve) => setImmediate(resolve));
      const child = parent.traced(async (span, i: number) => {
        await Promise.resolve();
        return span.context.spanId + i;
      }, { name: 'child' });
      const results = await Promise.all(Array.from({ length: n }, (_, i) => child(i)));
      return { parent: parent.context, results };
    },
    { name: 'parent' },
  );

  const { parent } = await work(1000);
  await tracer.flush();

  assert.equal(sink.spans.length, 1001);
  const children = sink.spans.filter((s) => s.name === 'child');
  assert.equal(children.length, 1000);
  for (const c of children) {
    assert.equal(c.parentId, parent.spanId);
    assert.equal(c.traceId, parent.traceId);
    assertZipkinSpan(c);
  }
  assert.equal(new Set([parent.spanId, ...children.map((c) => c.id)]).size, 1001);
});
