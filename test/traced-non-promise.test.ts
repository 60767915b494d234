import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, memorySink } from '../src/index.js';
import { assertZipkinSpan } from './helpers/zipkin-spec.js';

test('a function returning a plain value emits one span and resolves to that value', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'sync', sink });
  const values: unknown[] = [42, 'text', undefined, null, false, 0n];
  for (const value of values) {
    const result = tracer.traced(() => value, { name: 'sync' })();
    assert.ok(result instanceof Promise);
    assert.equal(await result, value);
  }
  await tracer.flush();
  assert.equal(sink.spans.length, values.length);
  for (const s of sink.spans) {
    assert.equal(s.tags?.error, undefined);
    assertZipkinSpan(s);
  }
});
