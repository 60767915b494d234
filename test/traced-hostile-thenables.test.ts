// Whatever fn returns, the wrapper returns a promise and ends the span when the result settles:
// a `then` getter that throws, and a thenable that is a function, are results like any other.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, memorySink } from '../src/index.js';

test('a result whose then getter throws becomes a rejection with that error, and one span with the error tag', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'hostile', sink });
  const boom = new Error('then getter');
  const hostile = {
    get then(): never {
      throw boom;
    },
  };
  let returned: Promise<unknown> | undefined;
  assert.doesNotThrow(() => {
    returned = tracer.traced(() => hostile, { name: 'getter' })();
  });
  await assert.rejects(returned!, (e) => e === boom);
  await tracer.flush();
  assert.deepEqual(sink.spans.map((s) => [s.name, s.tags?.error]), [['getter', 'then getter']]);
});

test('a thenable that is a function is awaited too: the span ends when it settles', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'hostile', sink });
  let settle!: (v: string) => void;
  const callable = Object.assign(() => 'not called', {
    then(onFulfilled: (v: string) => unknown) {
      settle = (v) => onFulfilled(v);
    },
  });
  const pending = tracer.traced(() => callable, { name: 'callable' })();
  await tracer.flush();
  assert.equal(sink.spans.length, 0, 'no span before the thenable settles');
  settle('settled');
  assert.equal(await pending, 'settled');
  await tracer.flush();
  assert.equal(sink.spans.length, 1);
});
