// The same seed scenario with encoding 'proto3': each message is a ListOfSpans, which Zipkin's
// Kafka collector tells from JSON by its first byte.
import { test } from 'node:test';
import { kafkaBootstrap, kafkaSkip } from './helpers/kafka.js';
import { seedThroughKafka } from './helpers/kafka-seed.js';

test('the seed scenario sent through Kafka as proto3 reads back from Zipkin as one trace with its dependency link and services', { skip: kafkaSkip({ zipkin: true }) }, async (t) => {
  await seedThroughKafka(t, kafkaBootstrap!, 'proto3');
});
