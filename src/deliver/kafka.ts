import * as net from 'node:net';
import * as tls from 'node:tls';
import type * as KafkaJsModule from 'kafkajs';
import type { Kafka, KafkaConfig, Producer } from 'kafkajs';
import { encodeSpansBytes } from '../encode/bytes.js';
import { encodeSpansProto3 } from '../encode/proto3.js';
import { GENERIC_DELIVERY_KINDS } from '../model/diagnostic-kinds.js';
import { Diagnostics } from '../model/diagnostics.js';
import type { FlushOptions, OutgoingBatch, SendOutcome, Sink, SinkStats, Transport } from '../model/sink.js';
import type { SpanRecord } from '../model/span-record.js';
import { engineOptions } from './delivery-options.js';
import { DeliveryEngine, describeError } from './engine.js';
import { resolveKafkaSinkOptions, type KafkaSinkOptions, type ResolvedKafkaSinkOptions } from './kafka-options.js';

/** A sink that produces span batches to a Kafka topic for Zipkin's Kafka collector. */
export interface KafkaSink extends Sink {
  /** `kafka://first-broker/topic`, for messages. */
  readonly target: string;
  flush(options?: FlushOptions): Promise<void>;
  close(options?: FlushOptions): Promise<void>;
  stats(): SinkStats;
  /**
   * Resolves once at most `limit` spans are queued or in flight, or the sink is closed: for a
   * producer of many spans that must not overrun the queue (spans past it would be dropped).
   * @example await sink.whenPendingAtMost(10_000); sink.write(batch);
   */
  whenPendingAtMost(limit: number): Promise<void>;
}

type KafkaJs = typeof KafkaJsModule;

const SENT: SendOutcome = { outcome: 'sent' };

/** Kafka errors that mean "this message is too large": split the batch. */
const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);
/** Errors no retry helps: the batch is dropped (counted as rejected) with the reason. */
const REFUSED = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'SASL_AUTHENTICATION_FAILED',
  'ILLEGAL_SASL_STATE',
  'UNSUPPORTED_SASL_MECHANISM',
  'INVALID_TOPIC_EXCEPTION',
  'INVALID_REQUIRED_ACKS',
]);
const REFUSED_NAMES = new Set(['KafkaJSSASLAuthenticationError']);

/** The first `type` (Kafka's error name) and the innermost message of a kafkajs error and its causes. */
function kafkaError(error: unknown): { type: string | undefined; name: string; message: string } {
  let type: string | undefined;
  let name = 'Error';
  let message = describeError(error, undefined);
  let e: unknown = error;
  for (let depth = 0; depth < 5 && e !== null && typeof e === 'object'; depth++) {
    const { type: t, name: n, message: m, cause, originalError } = e as { type?: unknown; name?: unknown; message?: unknown; cause?: unknown; originalError?: unknown };
    if (type === undefined && typeof t === 'string') type = t;
    if (typeof n === 'string') name = n;
    if (typeof m === 'string' && m !== '') message = m;
    const next = cause ?? originalError;
    if (next === e) break;
    e = next;
  }
  return { type, name, message };
}

/**
 * Loads kafkajs, once. It is an optional peer dependency: only a kafka sink's first batch loads it.
 * A failure is kept, so every later batch is dropped at once with the same reason.
 */
let kafkajs: Promise<KafkaJs> | undefined;
function loadKafkajs(): Promise<KafkaJs> {
  // kafkajs is CommonJS; Node finds its named exports (module.exports = { Kafka, … }) statically.
  return (kafkajs ??= import('kafkajs').then((m): KafkaJs => m));
}

class ClientMissing extends Error {}

/**
 * One topic of one cluster through a kafkajs producer. kafkajs retries nothing here (retries: 0):
 * the engine owns retries, backoff and the counts; kafkajs refreshes its metadata and reconnects
 * when a send fails, so the engine's next attempt goes to the partition's current leader. Its
 * sockets do not hold the process open while nothing is in flight.
 */
class KafkaTransport implements Transport {
  readonly target: string;
  readonly #o: ResolvedKafkaSinkOptions;
  readonly #encode: (records: readonly SpanRecord[]) => Uint8Array;
  #diagnostics: Diagnostics | undefined;
  #client: Kafka | undefined;
  #producer: Producer | undefined;
  /** The producer once connected; cleared when connecting fails so the next attempt connects again. */
  #connecting: Promise<Producer> | undefined;
  #closed = false;
  readonly #sockets = new Set<net.Socket>();
  #sending = 0;
  #topicReported = false;
  #topicCheck: Promise<void> | undefined;

  constructor(o: ResolvedKafkaSinkOptions) {
    this.#o = o;
    this.target = `kafka://${o.brokers[0]}/${o.topic}`;
    this.#encode = o.encoding === 'proto3' ? encodeSpansProto3 : encodeSpansBytes;
  }

  /** Where the transport reports what the engine's outcomes do not say (a missing topic). */
  set diagnostics(d: Diagnostics) {
    this.#diagnostics = d;
  }

  encode(records: readonly SpanRecord[]): Uint8Array {
    return this.#encode(records);
  }

  /** The sockets are unref'd while idle, ref'd while a send is in flight. */
  readonly #socketFactory = ({ host, port, ssl, onConnect }: { host: string; port: number; ssl: tls.ConnectionOptions; onConnect: () => void }): net.Socket => {
    const socket = ssl
      ? tls.connect({ host, port, ...(net.isIP(host) === 0 ? { servername: host } : {}), ...ssl }, onConnect)
      : net.connect({ host, port }, onConnect);
    socket.setKeepAlive(true, 60_000);
    if (this.#sending === 0) socket.unref();
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    return socket;
  };

  #busy(delta: 1 | -1): void {
    const before = this.#sending;
    this.#sending += delta;
    if (before === 0 && delta === 1) for (const s of this.#sockets) s.ref();
    else if (this.#sending === 0) for (const s of this.#sockets) s.unref();
  }

  #connect(): Promise<Producer> {
    return (this.#connecting ??= (async () => {
      let k: KafkaJs;
      try {
        k = await loadKafkajs();
      } catch (error) {
        throw new ClientMissing(describeError(error, undefined), { cause: error });
      }
      if (this.#closed) throw new Error('the sink is closed');
      const o = this.#o;
      const retry = { retries: 0 };
      this.#client ??= new k.Kafka({
        clientId: o.clientId,
        brokers: o.brokers,
        ...(o.ssl === undefined ? {} : { ssl: o.ssl }),
        ...(o.sasl === undefined ? {} : { sasl: o.sasl }),
        connectionTimeout: Math.min(o.timeoutMillis, 5000),
        requestTimeout: o.timeoutMillis,
        retry,
        // Failures reach the engine as outcomes, counted and reported once: kafkajs's own log would repeat them.
        logLevel: k.logLevel.NOTHING,
        socketFactory: this.#socketFactory,
      } as KafkaConfig);
      this.#producer ??= this.#client.producer({
        allowAutoTopicCreation: o.allowAutoTopicCreation,
        idempotent: false,
        retry,
        createPartitioner: k.Partitioners.DefaultPartitioner,
      });
      const producer = this.#producer;
      await producer.connect();
      if (this.#closed) {
        await producer.disconnect();
        throw new Error('the sink is closed');
      }
      return producer;
    })().catch((error: unknown) => {
      this.#connecting = undefined;
      throw error;
    }));
  }

  send(batch: OutgoingBatch, signal: AbortSignal): Promise<SendOutcome> {
    return new Promise((resolve) => {
      let answered = false;
      const answer = (outcome: SendOutcome): void => {
        if (answered) return;
        answered = true;
        signal.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      // kafkajs cannot take a send back: the engine retries, and a late success may deliver the batch twice (at least once).
      const onAbort = (): void => answer({ outcome: 'retry', reason: describeError(signal.reason, this.#o.timeoutMillis), error: signal.reason });
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      const body = batch.body!;
      const value = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
      this.#busy(1);
      this.#produce(value).then(
        () => {
          this.#busy(-1);
          answer(SENT);
        },
        (error: unknown) => {
          this.#busy(-1);
          answer(this.#outcome(error, batch.records.length, value.length));
        },
      );
    });
  }

  async #produce(value: Buffer): Promise<void> {
    const producer = await this.#connect();
    const k = await loadKafkajs();
    await producer.send({
      topic: this.#o.topic,
      acks: -1,
      timeout: this.#o.timeoutMillis,
      compression: this.#o.compression === 'gzip' ? k.CompressionTypes.GZIP : k.CompressionTypes.None,
      messages: [{ key: null, value }],
    });
  }

  /** What a failed send means for the batch. */
  #outcome(error: unknown, count: number, bytes: number): SendOutcome {
    if (error instanceof ClientMissing) {
      return {
        outcome: 'refused',
        kind: 'KAFKA_CLIENT_MISSING',
        as: 'sinkFailed',
        message: `kafkaSink needs kafkajs, an optional peer dependency, which could not be loaded (${error.message}); ${count} span(s) were dropped and counted as sinkFailed. Run: npm install kafkajs`,
        error,
      };
    }
    const { type, name, message } = kafkaError(error);
    const said = type === undefined ? `${name}: ${message}` : `${type}: ${message}`;
    if (type !== undefined && TOO_LARGE.has(type)) {
      return { outcome: 'split', kind: 'SPAN_TOO_LARGE', message: `refused a message of ${bytes} bytes as too large (${type}; the topic's max.message.bytes is below maxMessageBytes, ${this.#o.maxMessageBytes}: lower maxMessageBytes)` };
    }
    if ((type !== undefined && REFUSED.has(type)) || REFUSED_NAMES.has(name)) {
      return { outcome: 'refused', kind: 'KAFKA_REFUSED', message: `${this.target} refused ${count} span(s) (${said}); they were dropped and counted as rejected. Check the topic, the ACLs and the sasl/ssl options`, error };
    }
    if (type === 'UNKNOWN_TOPIC_OR_PARTITION') this.#checkTopic();
    return { outcome: 'retry', reason: said, error };
  }

  /**
   * A partition can be unknown for a moment while a broker restarts, so the topic is reported
   * missing only once the cluster's own list of topics says so (once per sink).
   */
  #checkTopic(): void {
    if (this.#topicReported || this.#topicCheck !== undefined || this.#client === undefined || this.#closed) return;
    const admin = this.#client.admin({ retry: { retries: 0 } });
    this.#topicCheck = (async () => {
      try {
        await admin.connect();
        const topics = await admin.listTopics();
        if (!topics.includes(this.#o.topic) && !this.#topicReported) {
          this.#topicReported = true;
          const o = this.#o;
          const create = `kafka-topics.sh --bootstrap-server ${o.brokers[0]} --create --topic ${o.topic}`;
          const auto = o.allowAutoTopicCreation
            ? 'or let the broker create topics on first use (auto.create.topics.enable=true)'
            : 'or set allowAutoTopicCreation: true on a broker that creates topics on first use';
          this.#diagnostics?.report(
            'KAFKA_TOPIC_MISSING',
            `the topic "${o.topic}" does not exist on ${o.brokers.join(',')}, and it was not created on first use; batches are retried with backoff and dropped (counted as expired) once their retries run out. Create it: ${create}, ${auto}`,
          );
        }
      } catch {
        // The cluster could not be asked: the next failure asks again.
      } finally {
        this.#topicCheck = undefined;
        await admin.disconnect().catch(() => undefined);
      }
    })();
  }

  async close(options: FlushOptions): Promise<void> {
    this.#closed = true;
    const connecting = this.#connecting;
    if (connecting === undefined) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, options.timeoutMillis ?? 0);
      timer.unref();
    });
    try {
      await Promise.race([
        (async () => {
          await this.#topicCheck;
          const producer = await connecting.catch(() => undefined);
          await producer?.disconnect();
        })(),
        late,
      ]);
    } finally {
      clearTimeout(timer);
      // Whatever is left (a disconnect past the deadline) must not hold the process open.
      for (const s of this.#sockets) s.destroy();
    }
  }
}

class KafkaSinkImpl extends DeliveryEngine implements KafkaSink {
  constructor(o: ResolvedKafkaSinkOptions) {
    const transport = new KafkaTransport(o);
    super(transport, { ...engineOptions(o, GENERIC_DELIVERY_KINDS), batchBytesOption: 'maxMessageBytes' }, new Diagnostics(o.onError, o.warnings));
    transport.diagnostics = this.diagnostics;
  }
}

/**
 * A sink that produces spans to Kafka for Zipkin's Kafka collector (`KAFKA_BOOTSTRAP_SERVERS` on
 * the Zipkin server): one batch per message, a JSON list (or proto3 `ListOfSpans`) of spans, null
 * key, at most `maxMessageBytes` each. It is the delivery engine of `zipkinHttpSink` with Kafka as
 * its transport: `write` only queues, the queue is bounded, and the traced code never waits or
 * sees an error. A broker that is down (at start-up too), a leader change or a broker restart is
 * retried in the background with backoff and counted; a topic that does not exist is reported
 * once with the command that creates it. kafkajs, an optional peer dependency
 * (`npm install kafkajs`), is loaded with the first batch. Call `tracer.close()` (or use
 * `flushOnExit`) so the last spans are delivered and the connections closed.
 *
 * @example
 * import { createTracer } from 'deferred-span';
 * import { kafkaSink } from 'deferred-span/kafka';
 * const tracer = createTracer({ serviceName: 'checkout', sink: kafkaSink({ brokers: ['kafka:9092'] }) });
 * @throws {OptionsError} naming each bad option, e.g. `brokers: expected the bootstrap brokers as host:port strings, like ['kafka:9092']`.
 */
export function kafkaSink(options: KafkaSinkOptions): KafkaSink {
  return new KafkaSinkImpl(resolveKafkaSinkOptions(options));
}

export { DEFAULT_KAFKA_TOPIC, DEFAULT_MAX_MESSAGE_BYTES } from './kafka-options.js';
export type { KafkaSaslOptions, KafkaSinkOptions } from './kafka-options.js';
