// Two requests in flight at once, their awaits interleaved: no child may end up under the other.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, memorySink } from '../src/index.js';

test('the children of two interleaved parents never mix', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'interleave', sink });
  // Turns passed like a baton, so the two parents' children start strictly alternately: a b a b ...
  const turns = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  const turn = (key: string) => {
    let t = turns.get(key);
    if (!t) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      t = { promise, resolve };
      turns.set(key, t);
    }
    return t;
  };
  const order: string[] = [];
  const STEPS = 5;

  const handle = tracer.traced(async (span, label: 'a' | 'b') => {
    const child = span.traced(async (c) => {
      c.tag('owner', label);
    }, { name: `child of ${label}` });
    for (let step = 0; step < STEPS; step++) {
      await turn(`${label}${step}`).promise;
      order.push(label);
      const done = child();
      turn(label === 'a' ? `b${step}` : `a${step + 1}`).resolve();
      await done;
    }
    return span.context.spanId;
  });

  turn('a0').resolve();
  const [a, b] = await Promise.all([handle('a'), handle('b')]);
  await tracer.flush();

  assert.equal(order.join(''), 'ab'.repeat(STEPS), 'the parents really interleaved');
  assert.equal(sink.spans.length, 2 + 2 * STEPS);
  for (const s of sink.spans.filter((x) => x.tags?.owner !== undefined)) {
    assert.equal(s.parentId, s.tags!.owner === 'a' ? a : b, `${s.name} is under its own parent`);
  }
  assert.equal(sink.spans.filter((s) => s.parentId === a).length, STEPS);
  assert.equal(sink.spans.filter((s) => s.parentId === b).length, STEPS);
  assert.notEqual(sink.spans.find((s) => s.id === a)!.traceId, sink.spans.find((s) => s.id === b)!.traceId);
});
