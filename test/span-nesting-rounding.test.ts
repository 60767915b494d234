import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, memorySink, type Clock } from '../src/index.js';

test('a child that starts and ends within its parent stays within it after rounding to microseconds', async () => {
  // Near 1.7e15 a double holds quarters of a microsecond, as the real clock gives them.
  const BASE = 1_700_000_000_000_000;
  // parent start, child start, child end, parent end
  const cases = [
    [0.25, 0.5, 2.5, 2.5],
    [0.25, 0.25, 1.5, 1.5],
    [0.5, 0.75, 3.25, 3.25],
    [0.75, 0.75, 0.75, 0.75],
  ];
  for (const times of cases) {
    let next = 0;
    const clock: Clock = { now: () => BASE + times[next++]! };
    const sink = memorySink();
    const tracer = createTracer({ serviceName: 'nesting', sink, clock });
    await tracer.traced(async (parent) => {
      await parent.traced(() => 'child', { name: 'child' })();
    }, { name: 'parent' })();
    await tracer.flush();
    const child = sink.spans.find((s) => s.name === 'child')!;
    const parent = sink.spans.find((s) => s.name === 'parent')!;
    const where = `clock ${times.join('/')}: parent ${parent.timestamp! - BASE}+${parent.duration}, child ${child.timestamp! - BASE}+${child.duration}`;
    assert.ok(child.timestamp! >= parent.timestamp!, where);
    assert.ok(child.timestamp! + child.duration! <= parent.timestamp! + parent.duration!, where);
  }
});
