import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, memorySink, type Clock } from '../src/index.js';

test('close() emits the spans still open, marked unfinished, ending at the close', async () => {
  let now = 1_700_000_000_000_000;
  const clock: Clock = { now: () => now };
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'closing', sink, clock, warnings: false });
  const root = tracer.startSpan('job');
  const pending = Array.from({ length: 3 }, () => root.traced(() => new Promise(() => {}), { name: 'stuck' })());
  const done = root.traced(async (span) => span.annotate('quick'), { name: 'done' });
  await done();
  now += 250_000;
  const result = await tracer.close();
  assert.equal(result.complete, true);
  const byName = (name: string) => sink.spans.filter((s) => s.name === name);
  assert.equal(byName('done').length, 1);
  assert.equal(byName('done')[0]!.tags, undefined);
  assert.equal(byName('stuck').length, 3);
  for (const s of [...byName('stuck'), ...byName('job')]) {
    assert.deepEqual(s.tags, { unfinished: 'close' });
    assert.equal(s.duration, 250_000);
    assert.deepEqual(s.annotations, [{ timestamp: s.timestamp! + 250_000, value: 'unfinished' }]);
  }
  const stats = tracer.stats();
  assert.equal(stats.unfinished, 4);
  assert.equal(stats.open, 0);
  assert.equal(pending.length, 3);
});

test('close() with nothing open emits nothing more', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'closing', sink, warnings: false });
  await tracer.traced(async () => 1)();
  await tracer.close();
  assert.equal(sink.spans.length, 1);
  assert.equal(tracer.stats().unfinished, 0);
});
