import type { ConnectionOptions } from 'node:tls';
import { boolean, INVALID, integer, nonEmptyString, oneOf, optional, parseOptions, rule, withDefault, type Output, type Rule } from '../model/option-rules.js';
import { checkBackoff, deliveryOptionsShape, type DeliveringSinkOptions } from './delivery-options.js';

/** Zipkin's Kafka collector reads this topic unless told otherwise (`KAFKA_TOPIC`). */
export const DEFAULT_KAFKA_TOPIC = 'zipkin';

/**
 * Bytes of one message's value at most: under Kafka's defaults (the broker's `message.max.bytes`
 * of 1,048,588 and the topic's `max.message.bytes`), with room for the record batch's own bytes.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_000_000;

/** SASL credentials for kafkajs; their values never appear in stats, warnings or `onError` messages. */
export interface KafkaSaslOptions {
  readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  readonly username: string;
  readonly password: string;
}

/**
 * Options of `kafkaSink`. Only `brokers` is required. The delivery options are those of every
 * delivering sink, but for `maxBatchBytes`: one batch is one Kafka message, bounded by `maxMessageBytes`.
 */
export interface KafkaSinkOptions extends Omit<DeliveringSinkOptions, 'maxBatchBytes'> {
  /**
   * Bootstrap brokers, `host:port` each (or one string of them separated by commas). The others of
   * the cluster are found from these.
   * @example ['kafka-1:9092', 'kafka-2:9092']
   */
  readonly brokers: readonly string[] | string;
  /** The topic Zipkin's Kafka collector reads. @default 'zipkin' */
  readonly topic?: string;
  /** `json`: a JSON list of spans per message; `proto3`: a `ListOfSpans`. Zipkin's collector takes both. @default 'json' */
  readonly encoding?: 'json' | 'proto3';
  /**
   * Kafka's own compression of each record batch (Zipkin's collector reads it; a gzipped payload it
   * would drop). kafkajs ships gzip only: lz4, snappy and zstd would need codec packages.
   * @default 'gzip'
   */
  readonly compression?: 'gzip' | 'none';
  /** Kafka's client ID, as brokers log and quota it. @default 'deferred-span' */
  readonly clientId?: string;
  /**
   * Bytes of one message's value at most (a batch that would pass it is split; a single span over
   * it is dropped and counted as rejected). Keep it under the topic's `max.message.bytes`; a broker
   * that still refuses a message as too large gets it split again.
   * @default 1000000
   */
  readonly maxMessageBytes?: number;
  /**
   * Ask the broker to create the topic on first use (it does when its `auto.create.topics.enable`
   * is true, Kafka's default). A topic that does not exist is reported once, as `KAFKA_TOPIC_MISSING`.
   * @default true
   */
  readonly allowAutoTopicCreation?: boolean;
  /** TLS to the brokers: true, or Node's `tls.connect` options (a private `ca`, client certificates). */
  readonly ssl?: boolean | ConnectionOptions;
  /** SASL authentication to the brokers. */
  readonly sasl?: KafkaSaslOptions;
}


/** `host:port`, a name or an IPv4 address, or `[v6]:port`. */
const BROKER = /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/;

const isBroker = (v: unknown): v is string => {
  if (typeof v !== 'string') return false;
  const port = BROKER.exec(v)?.[1];
  return port !== undefined && Number(port) >= 1 && Number(port) <= 65535;
};

const brokers: Rule<string[]> = (value, path, problems) => {
  const list = typeof value === 'string' ? value.split(',').map((b) => b.trim()).filter((b) => b !== '') : value;
  if (!Array.isArray(list) || list.length === 0) {
    problems.push(`${path}: expected the bootstrap brokers as host:port strings, like ['kafka:9092']`);
    return INVALID;
  }
  const bad = list.findIndex((b) => !isBroker(b));
  if (bad >= 0) {
    // The value is echoed only when it is short text: a URL could carry credentials.
    const b: unknown = list[bad];
    const shown = typeof b === 'string' && b.length <= 100 && !b.includes('@') ? ` (got "${b}")` : '';
    problems.push(`${path}${typeof value === 'string' ? '' : `.${bad}`}: expected host:port, like 'kafka:9092' (no scheme, no path)${shown}`);
    return INVALID;
  }
  return [...(list as string[])];
};

// Kafka's own rule for topic names (and "." and ".." are not names).
const topic = rule((v): v is string => typeof v === 'string' && /^[A-Za-z0-9._-]{1,249}$/.test(v) && v !== '.' && v !== '..', "expected a Kafka topic name of 1 to 249 letters, digits, '.', '_' or '-', like 'zipkin'");

const ssl: Rule<boolean | ConnectionOptions> = (value, path, problems) => {
  if (typeof value === 'boolean' || (value !== null && typeof value === 'object' && !Array.isArray(value))) return value as boolean | ConnectionOptions;
  problems.push(`${path}: expected true, or tls.connect options like { ca: [pem] }`);
  return INVALID;
};

const sasl: Rule<KafkaSaslOptions> = (value, path, problems) => {
  const v = value as Partial<Record<keyof KafkaSaslOptions, unknown>> | null;
  if (v === null || typeof v !== 'object' || !['plain', 'scram-sha-256', 'scram-sha-512'].includes(v.mechanism as string) || typeof v.username !== 'string' || typeof v.password !== 'string') {
    // The values themselves are never repeated: they are credentials.
    problems.push(`${path}: expected { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512', username: string, password: string }`);
    return INVALID;
  }
  return { mechanism: v.mechanism as KafkaSaslOptions['mechanism'], username: v.username, password: v.password };
};

const { maxBatchBytes: _engineOnly, ...delivery } = deliveryOptionsShape;

/** maxBatchBytes of the other delivering sinks, said in Kafka's terms. */
const notHere: Rule<undefined> = (value, path, problems) => {
  if (value === undefined) return undefined;
  problems.push(`${path}: one batch is one Kafka message here: set maxMessageBytes instead`);
  return INVALID;
};

const shape = {
  brokers,
  topic: withDefault(topic, DEFAULT_KAFKA_TOPIC),
  encoding: withDefault(oneOf(['json', 'proto3'], "expected 'json' or 'proto3'"), 'json'),
  compression: withDefault(
    oneOf(['gzip', 'none'], "expected 'gzip' or 'none' (kafkajs ships gzip only; lz4, snappy and zstd need codec packages it does not have)"),
    'gzip',
  ),
  clientId: withDefault(nonEmptyString("expected a non-empty string, like 'checkout-service'"), 'deferred-span'),
  maxMessageBytes: withDefault(integer(1024, 'expected an integer >= 1024, like 1000000 (under the topic\'s max.message.bytes)'), DEFAULT_MAX_MESSAGE_BYTES),
  allowAutoTopicCreation: withDefault(boolean('expected true or false'), true),
  ssl: optional(ssl),
  sasl: optional(sasl),
  ...delivery,
  maxBatchBytes: notHere,
};

/**
 * Options after validation, with defaults applied: the shape's, and the engine's bound on a
 * batch's bytes, `maxBatchBytes`, which is `maxMessageBytes`.
 */
export type ResolvedKafkaSinkOptions = Omit<Output<typeof shape>, 'maxBatchBytes'> & { maxBatchBytes: number };

/**
 * Validates `kafkaSink` options and applies the defaults.
 * @throws {OptionsError} naming each bad option, e.g. `brokers: expected the bootstrap brokers as host:port strings`.
 */
export function resolveKafkaSinkOptions(input: unknown): ResolvedKafkaSinkOptions {
  const o = parseOptions('kafkaSink', shape, input, checkBackoff);
  return { ...o, maxBatchBytes: o.maxMessageBytes };
}
