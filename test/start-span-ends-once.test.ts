import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, memorySink } from '../src/index.js';

test('end twice, fail after end, or end inside a traced function: exactly one span each', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'once', sink, warnings: false });

  const twice = tracer.startSpan('twice');
  twice.end();
  twice.end();
  const failLate = tracer.startSpan('fail after end');
  failLate.end();
  failLate.fail(new Error('late'));
  const failTwice = tracer.startSpan('fail twice');
  failTwice.fail(new Error('first'));
  failTwice.fail(new Error('second'));
  failTwice.end();
  await tracer.traced((span) => span.end(), { name: 'ended inside' })();
  await assert.rejects(
    tracer.traced((span) => {
      span.end();
      throw new Error('after end');
    }, { name: 'ended then threw' })(),
  );
  await tracer.flush();

  assert.deepEqual(
    sink.spans.map((s) => [s.name, s.tags?.error]),
    [
      ['twice', undefined],
      ['fail after end', undefined],
      ['fail twice', 'first'],
      ['ended inside', undefined],
      ['ended then threw', undefined],
    ],
  );
  assert.equal(tracer.stats().ended, 5);
});
