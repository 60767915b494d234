import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, memorySink } from '../src/index.js';

test('a thenable is awaited: the span ends when it settles, with its value or its error', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'thenable', sink });
  let settle!: (v: string) => void;
  const thenable = {
    then(onFulfilled: (v: string) => unknown) {
      settle = (v) => onFulfilled(v);
    },
  };
  const pending = tracer.traced(() => thenable, { name: 'ok' })();
  await tracer.flush();
  assert.equal(sink.spans.length, 0, 'no span before the thenable settles');
  settle('done');
  assert.equal(await pending, 'done');

  const boom = new Error('thenable failed');
  const failing = { then: (_: unknown, onRejected: (e: unknown) => unknown) => onRejected(boom) };
  await assert.rejects(tracer.traced(() => failing, { name: 'bad' })(), (e) => e === boom);

  await tracer.flush();
  assert.deepEqual(sink.spans.map((s) => [s.name, s.tags?.error]), [['ok', undefined], ['bad', 'thenable failed']]);
});
