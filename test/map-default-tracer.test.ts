import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configure, map, memorySink } from '../src/index.js';

test('the module-level map runs on the tracer configure set up', async () => {
  const sink = memorySink();
  const tracer = configure({ serviceName: 'default-map', sink, warnings: false });
  const results = await map(['a', 'b'], async (span, s, index) => {
    span.tag('index', index);
    return s.toUpperCase();
  }, { name: 'job', itemName: 'upper' });
  assert.deepEqual(results, ['A', 'B']);
  await tracer.flush();
  assert.deepEqual(sink.spans.map((s) => [s.name, s.localEndpoint?.serviceName]).sort(), [
    ['job', 'default-map'],
    ['upper', 'default-map'],
    ['upper', 'default-map'],
  ]);
  await tracer.close();
});
