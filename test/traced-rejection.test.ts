import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, memorySink } from '../src/index.js';
import { assertZipkinSpan } from './helpers/zipkin-spec.js';

test('a rejection comes out as the same error object, and one span carries the error tag', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'fails', sink });
  const boom = new Error('fragment 3 unreachable');
  const call = tracer.traced(async () => {
    await Promise.resolve();
    throw boom;
  }, { name: 'read' });

  await assert.rejects(call(), (error) => error === boom);
  await tracer.flush();

  assert.equal(sink.spans.length, 1);
  assert.equal(sink.spans[0]!.tags?.error, 'fragment 3 unreachable');
  assertZipkinSpan(sink.spans[0]);
});

test('a rejection with a non-Error reason tags String(reason) and passes the reason through', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'fails', sink });
  const reason = { code: 42, toString: () => 'code 42' };
  await assert.rejects(tracer.traced(() => Promise.reject(reason))(), (error) => error === reason);
  await tracer.flush();
  assert.equal(sink.spans.length, 1);
  assert.equal(sink.spans[0]!.tags?.error, 'code 42');
});
