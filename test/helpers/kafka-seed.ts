// The seed scenario through Kafka: every tracer sends through kafkaSink to the run's broker, Zipkin's
// Kafka collector consumes the topic, and the scenario's checks read it back from Zipkin's API.
import type { TestContext } from 'node:test';
import { THROUGH_KAFKA } from './kafka.js';
import { seedScenarioReadsBackFromZipkin } from './seed-scenario.js';
import { kafkaSink } from '../../src/deliver/kafka.js';

export async function seedThroughKafka(t: TestContext, bootstrap: string, encoding: 'json' | 'proto3'): Promise<void> {
  await seedScenarioReadsBackFromZipkin(t, {
    sink: () => kafkaSink({ brokers: [bootstrap], encoding, flushIntervalMillis: 50 }),
    label: `-kafka-${encoding}`,
    via: `${encoding} through Kafka at ${bootstrap} (${THROUGH_KAFKA})`,
  });
}
