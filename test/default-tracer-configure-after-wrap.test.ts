import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configure, memorySink, traced } from '../src/index.js';

// Wrapped at import time, before the application configured anything: the common case.
const work = traced(async (span, n: number) => {
  span.tag('n', n);
  return n * 2;
}, { name: 'work' });

test('configure after wrapping takes effect on the next call, and again after reconfiguring', async () => {
  const first = memorySink();
  const t1 = configure({ serviceName: 'first', sink: first });
  assert.equal(await work(1), 2);
  await t1.flush();
  assert.deepEqual(first.spans.map((s) => [s.localEndpoint?.serviceName, s.tags?.n]), [['first', '1']]);

  const second = memorySink();
  const t2 = configure({ serviceName: 'second', sink: second });
  assert.equal(await work(2), 4);
  await t2.flush();
  assert.deepEqual(second.spans.map((s) => [s.localEndpoint?.serviceName, s.tags?.n]), [['second', '2']]);
  assert.equal(first.spans.length, 1, 'nothing more went to the replaced tracer');
});
