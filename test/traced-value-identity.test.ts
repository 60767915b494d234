import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, memorySink } from '../src/index.js';

test('the value of a traced call passes through with the same identity, sampled or not', async () => {
  for (const sampleRate of [1, 0]) {
    const tracer = createTracer({ serviceName: 'identity', sink: memorySink(), sampleRate });
    const value = { fragments: [new Uint8Array(4)] };
    assert.equal(await tracer.traced(async () => value)(), value);
    assert.equal(await tracer.traced(() => value)(), value);
    // Arguments and `this` reach fn unchanged too.
    const self = { name: 'receiver' };
    const arg = { id: 1 };
    const echo = tracer.traced(function (this: unknown, _span, a: object) {
      return [this, a];
    });
    const [gotThis, gotArg] = await echo.call(self, arg);
    assert.equal(gotThis, self);
    assert.equal(gotArg, arg);
  }
});
