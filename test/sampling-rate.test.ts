import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, memorySink } from '../src/index.js';

test('sampleRate 0.5 samples about half of 10,000 roots, and children always follow their root', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'rate', sink, sampleRate: 0.5 });
  const ROOTS = 10_000;
  const root = tracer.traced(async (span) => {
    await span.traced(() => undefined, { name: 'child' })();
    return span.isRecording;
  }, { name: 'root' });
  let recorded = 0;
  for (let i = 0; i < ROOTS; i++) if (await root()) recorded++;
  await tracer.flush();

  const roots = sink.spans.filter((s) => s.name === 'root');
  const children = sink.spans.filter((s) => s.name === 'child');
  // Binomial(10,000, 0.5) has a standard deviation of 50: 45%..55% is 10 deviations wide.
  assert.ok(roots.length >= 4500 && roots.length <= 5500, `${roots.length} of ${ROOTS} roots sampled`);
  assert.equal(roots.length, recorded);
  assert.equal(children.length, roots.length);
  const rootIds = new Set(roots.map((r) => r.id));
  for (const c of children) assert.ok(rootIds.has(c.parentId!), 'each recorded child has a recorded root');
  assert.equal(tracer.stats().unsampled, 2 * (ROOTS - roots.length));
});
