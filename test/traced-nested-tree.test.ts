import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, memorySink } from '../src/index.js';
import { assertZipkinSpan } from './helpers/zipkin-spec.js';

test('nested span.traced calls build a 3-level tree in one trace', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'tree', sink });
  await tracer.traced(async (root) => {
    await Promise.all(
      [1, 2].map((i) =>
        root.traced(async (mid) => {
          await Promise.all([1, 2, 3].map(() => mid.traced(async () => 'leaf', { name: `leaf of ${i}` })()));
        }, { name: `mid ${i}` })(),
      ),
    );
  }, { name: 'root' })();
  await tracer.flush();

  const byName = (n: string) => sink.spans.filter((s) => s.name === n);
  assert.equal(sink.spans.length, 1 + 2 + 6);
  assert.equal(new Set(sink.spans.map((s) => s.traceId)).size, 1);
  const [root] = byName('root');
  assert.equal(root!.parentId, undefined);
  for (const i of [1, 2]) {
    const [mid] = byName(`mid ${i}`);
    assert.equal(mid!.parentId, root!.id);
    const leaves = byName(`leaf of ${i}`);
    assert.equal(leaves.length, 3);
    for (const leaf of leaves) assert.equal(leaf.parentId, mid!.id);
  }
  for (const s of sink.spans) assertZipkinSpan(s);
});
