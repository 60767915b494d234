import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, memorySink, type DiagnosticEvent } from '../src/index.js';

test('close delivers what ended before it; spans ended later are dropped, counted, and never break the call', async () => {
  const sink = memorySink();
  const events: DiagnosticEvent[] = [];
  const tracer = createTracer({ serviceName: 'closing', sink, warnings: false, onError: (e) => events.push(e) });
  const call = tracer.traced(async (_span, i: number) => i);
  await Promise.all([call(1), call(2)]);

  const result = await tracer.close();
  assert.equal(result.complete, true);
  assert.equal(sink.spans.length, 2);

  assert.equal(await call(3), 3);
  tracer.startSpan('started after close').end();
  await assert.rejects(tracer.traced(() => Promise.reject(new Error('late')))(), /late/);
  await tracer.flush();

  assert.equal(sink.spans.length, 2, 'nothing reaches the sink after close');
  const dropped = Object.values(tracer.stats().dropped).reduce((a, b) => a + b, 0);
  assert.equal(dropped, 3);
  assert.equal(tracer.stats().failures.TRACER_CLOSED, 3);
  assert.ok(events.every((e) => e.kind === 'TRACER_CLOSED'));
  // A second close is harmless.
  assert.equal((await tracer.close()).complete, true);
});
