// The seed scenario's spans, produced by kafkaSink as JSON lists to the run's broker and consumed by
// Zipkin's Kafka collector, read back from Zipkin's API: the trace, proxy -> object-server with
// callCount 4, and both services.
import { test } from 'node:test';
import { kafkaBootstrap, kafkaSkip } from './helpers/kafka.js';
import { seedThroughKafka } from './helpers/kafka-seed.js';

test('the seed scenario sent through Kafka as JSON reads back from Zipkin as one trace with its dependency link and services', { skip: kafkaSkip({ zipkin: true }) }, async (t) => {
  await seedThroughKafka(t, kafkaBootstrap!, 'json');
});
