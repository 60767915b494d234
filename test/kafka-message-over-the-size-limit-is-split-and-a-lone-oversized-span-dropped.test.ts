// Messages over the size limit. A topic whose max.message.bytes (16 KiB here) is below the sink's
// maxMessageBytes refuses a batch as MESSAGE_TOO_LARGE: the batch is split until each part fits,
// and a single span over the limit is dropped and counted as rejected, alone. And the sink's own
// maxMessageBytes splits batches before they are sent.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { kafkaBootstrap, kafkaSkip, readTopic } from './helpers/kafka.js';
import { randomHexId, uniqueServiceName } from './helpers/zipkin.js';
import { createTracer, type DiagnosticEvent, type Tracer } from '../src/index.js';
import { kafkaSink } from '../src/deliver/kafka.js';

const TOPIC_LIMIT = 16_384;
const SPANS = 40;

/** Random text, so no compression could make a batch fit. */
const noise = (n: number): string => randomBytes(n).toString('base64').slice(0, n);

async function createTopic(topic: string, maxMessageBytes: number): Promise<void> {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ brokers: [kafkaBootstrap!], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: String(maxMessageBytes) }] }] });
  } finally {
    await admin.disconnect();
  }
}

const spanIds = (values: Buffer[]): string[] => values.flatMap((m) => (JSON.parse(m.toString()) as Array<{ id: string }>).map((s) => s.id));

/** Ends SPANS spans with a `payload` tag of `bytes` random characters, then one of `hugeBytes`; the IDs of the first SPANS. */
function endPayloadSpans(tracer: Tracer, bytes: number, hugeBytes: number): string[] {
  const ids: string[] = [];
  for (let i = 0; i < SPANS; i++) {
    const span = tracer.startSpan('fits alone');
    span.tag('payload', noise(bytes));
    ids.push(span.context.spanId);
    span.end();
  }
  const huge = tracer.startSpan('too large alone');
  huge.tag('payload', noise(hugeBytes));
  huge.end();
  return ids;
}

test('a batch the broker refuses as too large is split until it fits, and a lone span over the limit is dropped and counted as rejected', { skip: kafkaSkip(), timeout: 60_000 }, async () => {
  const topic = `size-limit-${randomHexId(6)}`;
  await createTopic(topic, TOPIC_LIMIT);
  const events: DiagnosticEvent[] = [];
  const tracer = createTracer({
    serviceName: uniqueServiceName('kafka-size'),
    sink: kafkaSink({ brokers: [kafkaBootstrap!], topic, compression: 'none', flushIntervalMillis: 50, warnings: false, onError: (e) => events.push(e) }),
  });
  const ids = endPayloadSpans(tracer, 1000, TOPIC_LIMIT + 1000);

  await tracer.close({ timeoutMillis: 20_000 });
  const s = tracer.stats();
  assert.equal(s.sent, SPANS, JSON.stringify(s));
  assert.equal(s.dropped.rejected, 1, 'only the span over the limit was dropped');
  assert.equal(s.dropped.expired + s.dropped.queueFull + s.dropped.sinkFailed, 0);
  const tooLarge = events.filter((e) => e.kind === 'SPAN_TOO_LARGE');
  assert.equal(tooLarge.length, 1);
  assert.match(tooLarge[0]!.message, /MESSAGE_TOO_LARGE/);
  assert.match(tooLarge[0]!.message, /only that span was dropped/);

  const values = await readTopic(kafkaBootstrap!, topic, (v) => spanIds(v).length >= SPANS);
  assert.ok(values.length > 1, 'the batch went as several messages');
  for (const v of values) assert.ok(v.length <= TOPIC_LIMIT, `a message of ${v.length} bytes fits the topic`);
  assert.deepEqual(spanIds(values).sort(), [...ids].sort());
});

test("the sink's maxMessageBytes splits batches before they are sent, and drops a span that alone passes it", { skip: kafkaSkip(), timeout: 60_000 }, async () => {
  const topic = `size-own-${randomHexId(6)}`;
  await createTopic(topic, 1_048_588);
  const events: DiagnosticEvent[] = [];
  const maxMessageBytes = 8192;
  const tracer = createTracer({
    serviceName: uniqueServiceName('kafka-size-own'),
    sink: kafkaSink({ brokers: [kafkaBootstrap!], topic, maxMessageBytes, flushIntervalMillis: 50, warnings: false, onError: (e) => events.push(e) }),
  });
  const ids = endPayloadSpans(tracer, 500, maxMessageBytes);

  await tracer.close({ timeoutMillis: 20_000 });
  const s = tracer.stats();
  assert.equal(s.sent, SPANS, JSON.stringify(s));
  assert.equal(s.dropped.rejected, 1);
  const tooLarge = events.filter((e) => e.kind === 'SPAN_TOO_LARGE');
  assert.equal(tooLarge.length, 1);
  assert.match(tooLarge[0]!.message, /more than maxMessageBytes \(8192\)/, 'the message names the option the user sets');
  assert.equal(events.filter((e) => e.kind === 'SEND_FAILED').length, 0, 'no message was refused: none passed the limit');

  const values = await readTopic(kafkaBootstrap!, topic, (v) => spanIds(v).length >= SPANS);
  for (const v of values) assert.ok(v.length <= maxMessageBytes, `a message of ${v.length} bytes is within maxMessageBytes`);
  assert.deepEqual(spanIds(values).sort(), [...ids].sort());
});
