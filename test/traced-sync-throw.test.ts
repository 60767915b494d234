import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, memorySink } from '../src/index.js';
import { assertZipkinSpan } from './helpers/zipkin-spec.js';

test('a synchronous throw becomes a rejection with the same error object, and one span carries the error tag', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'throws', sink });
  const boom = new TypeError('bad fragment index');
  const call = tracer.traced(function parse(): number {
    throw boom;
  });

  // The wrapper never throws synchronously: the error comes out of the promise.
  let returned: Promise<number> | undefined;
  assert.doesNotThrow(() => {
    returned = call();
  });
  await assert.rejects(returned!, (error) => error === boom);
  await tracer.flush();

  assert.equal(sink.spans.length, 1);
  assert.equal(sink.spans[0]!.name, 'parse');
  assert.equal(sink.spans[0]!.tags?.error, 'bad fragment index');
  assertZipkinSpan(sink.spans[0]);
});
