import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, memorySink, type Span } from '../src/index.js';

test('a traced function gets exactly the arguments and the this of each call, whatever their number, sampled or not', async () => {
  for (const sampleRate of [1, 0]) {
    const tracer = createTracer({ serviceName: 'args', sink: memorySink(), sampleRate, warnings: false });
    const seen: Array<{ self: unknown; args: unknown[] }> = [];
    const fn = tracer.traced(function (this: unknown, span: Span, ...args: unknown[]) {
      assert.equal(typeof span.end, 'function');
      seen.push({ self: this, args });
      return args.length;
    });
    const self = { me: true };
    for (let n = 0; n <= 6; n++) {
      const args = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? { i } : undefined));
      assert.equal(await fn.apply(self, args), n);
      assert.equal(seen.at(-1)!.self, self);
      assert.equal(seen.at(-1)!.args.length, n, 'no padding with undefined');
      for (let i = 0; i < n; i++) assert.equal(seen.at(-1)!.args[i], args[i]);
    }
  }
});
