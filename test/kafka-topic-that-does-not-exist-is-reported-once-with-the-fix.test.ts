// A topic that does not exist on a broker that does not create topics on first use (the run's
// broker has auto.create.topics.enable=false): the traced code never sees it, the batches are
// retried and then dropped as expired, counted, and the missing topic is reported once, naming the
// command that creates it. The topic is not created behind the user's back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kafkaBootstrap, kafkaSkip } from './helpers/kafka.js';
import { randomHexId, uniqueServiceName } from './helpers/zipkin.js';
import { createTracer, type DiagnosticEvent } from '../src/index.js';
import { kafkaSink } from '../src/deliver/kafka.js';
import { droppedTotal } from '../src/model/sink.js';

const SPANS = 30;

test('a topic that does not exist is reported once with the command that creates it, and its spans are counted as dropped', { skip: kafkaSkip() }, async () => {
  const topic = `missing-${randomHexId(6)}`;
  const events: DiagnosticEvent[] = [];
  const tracer = createTracer({
    serviceName: uniqueServiceName('kafka-missing-topic'),
    sink: kafkaSink({ brokers: [kafkaBootstrap!], topic, flushIntervalMillis: 10, maxBatchSpans: 10, maxRetries: 3, initialBackoffMillis: 50, maxBackoffMillis: 200, warnings: false, onError: (e) => events.push(e) }),
  });
  for (let i = 0; i < SPANS; i++) tracer.startSpan('to nowhere').end();

  const closed = await tracer.close({ timeoutMillis: 20_000 });
  const s = tracer.stats();
  assert.equal(s.sent, 0);
  assert.equal(s.dropped.expired, SPANS, 'each batch expired after its retries');
  assert.equal(s.sent + droppedTotal(s.dropped), SPANS);
  assert.equal(closed.complete, false);

  const missing = events.filter((e) => e.kind === 'KAFKA_TOPIC_MISSING');
  assert.equal(missing.length, 1, `reported once: ${events.map((e) => e.kind).join(', ')}`);
  assert.match(missing[0]!.message, new RegExp(`the topic "${topic}" does not exist`));
  assert.match(missing[0]!.message, new RegExp(`kafka-topics\\.sh --bootstrap-server ${kafkaBootstrap} --create --topic ${topic}`));
  assert.ok(events.some((e) => e.kind === 'RETRIES_EXHAUSTED'), 'the batches ran out of retries');

  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ brokers: [kafkaBootstrap!], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    assert.equal((await admin.listTopics()).includes(topic), false, 'the sink did not create the topic');
  } finally {
    await admin.disconnect();
  }
});
