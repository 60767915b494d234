import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configure, memorySink, traced } from '../src/index.js';

process.env.OTEL_SERVICE_NAME = 'Billing-Worker';

test('configure without a serviceName uses OTEL_SERVICE_NAME, written lowercase', async () => {
  const sink = memorySink();
  const tracer = configure({ sink });
  assert.equal(tracer.serviceName, 'billing-worker');
  await traced(() => 'done', { name: 'bill' })();
  await tracer.flush();
  assert.equal(sink.spans[0]?.localEndpoint?.serviceName, 'billing-worker');
  // An explicit serviceName wins over the environment.
  assert.equal(configure({ serviceName: 'explicit', sink }).serviceName, 'explicit');
});
