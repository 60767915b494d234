// The broker is not up yet when the tracer starts recording (a service that starts before Kafka):
// the connection is refused, the sends are retried in the background with backoff and counted, and
// once the broker comes up on its address every span is delivered. The broker is this test's own;
// its topic is read back with a consumer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freePort } from './fixtures/http-collector.js';
import { ownBroker, ownBrokerSkip, readTopic } from './helpers/kafka.js';
import { uniqueServiceName, waitFor } from './helpers/zipkin.js';
import { createTracer, type DiagnosticEvent } from '../src/index.js';
import { kafkaSink } from '../src/deliver/kafka.js';

const SPANS = 200;

test('a broker that is down at start-up: recording goes on, sends are retried in the background, and every span arrives once it is up', { skip: ownBrokerSkip(), timeout: 90_000 }, async (t) => {
  const port = await freePort();
  const bootstrap = `127.0.0.1:${port}`;
  const broker = await ownBroker(t, { port, start: false });
  const events: DiagnosticEvent[] = [];
  const tracer = createTracer({
    serviceName: uniqueServiceName('kafka-down'),
    sink: kafkaSink({ brokers: [bootstrap], flushIntervalMillis: 20, maxRetries: 100, initialBackoffMillis: 50, maxBackoffMillis: 300, warnings: false, onError: (e) => events.push(e) }),
  });

  const ids = new Set<string>();
  for (let i = 0; i < SPANS; i++) {
    const span = tracer.startSpan('before the broker', { kind: 'PRODUCER' });
    ids.add(span.context.spanId);
    span.end(); // returns at once: nothing waits on the broker
  }
  const failed = await waitFor(() => events.find((e) => e.kind === 'SEND_FAILED'), Boolean, { description: 'a send refused while the broker is down' });
  assert.match(failed!.message, new RegExp(`kafka://${bootstrap}/zipkin`));
  assert.equal(tracer.stats().sent, 0);
  assert.equal(tracer.stats().queued + tracer.stats().inFlight, SPANS, 'the spans wait, counted, for the broker');

  await broker.start();
  const closed = await tracer.close({ timeoutMillis: 30_000 });
  const s = tracer.stats();
  t.diagnostic(`${s.sent} sent, ${s.retried} retried, ${events.filter((e) => e.kind === 'SEND_FAILED').length} failed sends reported`);
  assert.equal(closed.complete, true, JSON.stringify(s));
  assert.equal(s.sent, SPANS);
  assert.ok(s.retried >= SPANS, 'each batch was retried at least once');

  const values = await readTopic(bootstrap, 'zipkin', (v) => v.flatMap((m) => JSON.parse(m.toString()) as unknown[]).length >= SPANS);
  const delivered = new Set(values.flatMap((m) => (JSON.parse(m.toString()) as Array<{ id: string }>).map((x) => x.id)));
  assert.deepEqual([...ids].filter((id) => !delivered.has(id)), [], 'every span is in the topic');
});
