import { z } from 'zod';
import { DEFAULT_MAX_ANNOTATIONS_PER_SPAN, DEFAULT_MAX_TAGS_PER_SPAN } from '../model/limits.js';
import { parseOptions } from '../model/options-error.js';
import type { Clock } from './clock.js';
import type { ErrorHandler } from '../model/diagnostics.js';
import { isPort, MAX_PORT, type Endpoint } from '../model/endpoint.js';
import { DEFAULT_EXIT_TIMEOUT_MILLIS, flushOnExitOptionsSchema, type ExitSignal, type FlushOnExitOptions } from './exit-handler.js';
import type { Sink } from '../model/sink.js';

const isObjectWith = (key: string) => (v: unknown) =>
  v !== null && typeof v === 'object' && typeof (v as Record<string, unknown>)[key] === 'function';

const endpointSchema = z.strictObject({
  serviceName: z.string({ error: 'expected a string' }).optional(),
  ipv4: z.ipv4({ error: 'expected an IPv4 address like "10.0.0.7"' }).optional(),
  ipv6: z.ipv6({ error: 'expected an IPv6 address like "2001:db8::c001"' }).optional(),
  port: z
    .number({ error: `expected an integer from 1 to ${MAX_PORT}` })
    .refine(isPort, { error: `expected an integer from 1 to ${MAX_PORT} (leave it out when unknown; 0 is not allowed)` })
    .optional(),
});

/** Options of `createTracer`. */
export interface TracerOptions {
  /** The service that records the spans. Written lowercase, as Zipkin stores it. */
  readonly serviceName: string;
  /**
   * Where finished spans go.
   * @default zipkinHttpSink() when OTEL_EXPORTER_ZIPKIN_ENDPOINT is set, else ndjsonFileSink() on
   * DEFERRED_SPAN_FILE or `<tmpdir>/deferred-span/<serviceName>.ndjson` (the last announced once on stderr)
   */
  readonly sink?: Sink;
  /**
   * Probability, 0 to 1, that a new root trace is sampled. Children follow their parent's decision.
   * @default 1
   */
  readonly sampleRate?: number;
  /**
   * 128-bit (32 hex characters) trace IDs for new traces; false for 64-bit.
   * @default true
   */
  readonly traceId128Bit?: boolean;
  /** This process's address, recorded on every span beside the service name. */
  readonly localEndpoint?: Omit<Endpoint, 'serviceName'>;
  /** Tags put on every span. */
  readonly defaultTags?: Readonly<Record<string, string>>;
  /**
   * Called with every failure of the library's own (sink errors, dropped spans, bad values).
   * The default also warns once per kind with `process.emitWarning`.
   */
  readonly onError?: ErrorHandler;
  /**
   * Warn once per kind of failure through `process.emitWarning`.
   * @default true
   */
  readonly warnings?: boolean;
  /**
   * Finished spans held for a plain sink at most: those waiting for their batch plus those in writes
   * it has not settled yet. Past it new spans are dropped and counted (`queueFull`). A delivering sink
   * (`zipkinHttpSink`) is the tracer's queue itself: set it there, `zipkinHttpSink({ maxQueueSpans })`.
   * @default 100000
   */
  readonly maxQueueSpans?: number;
  /**
   * Finished spans handed to a plain sink in one `write` at most (for `zipkinHttpSink`, set its own
   * `maxBatchSpans`).
   * @default 1024
   */
  readonly maxBatchSpans?: number;
  /**
   * The old name of `maxBatchSpans`.
   * @deprecated use `maxBatchSpans`, the name `zipkinHttpSink` uses too.
   */
  readonly batchSize?: number;
  /** Tags one span keeps at most (set through `span.tag`); later new keys are dropped and reported once. @default 128 */
  readonly maxTagsPerSpan?: number;
  /** Annotations one span keeps at most; later ones are dropped and reported once. @default 128 */
  readonly maxAnnotationsPerSpan?: number;
  /** The time source, in epoch microseconds. For tests. @default monotonicClock */
  readonly clock?: Clock;
  /**
   * When the process ends on its own (the event loop runs empty), wait at most this long for the
   * last spans to be delivered; what is still undelivered at `exit` is counted as dropped and said
   * in one line on stderr. 0: do not wait.
   * @default 5000
   */
  readonly exitTimeoutMillis?: number;
  /**
   * For batch jobs: deliver the last spans on `beforeExit`, `SIGTERM` and `SIGINT` (see `flushOnExit`).
   * `true` uses its defaults; an object sets `timeoutMillis` and `signals`. Removed by `close()`.
   * @default false
   */
  readonly flushOnExit?: boolean | FlushOnExitOptions;
  /**
   * A span open longer than this is cut off: emitted marked `orphaned` (tag `orphaned: max_duration`),
   * so a call that never settles holds memory for at most this long. Checked about every
   * `min(max(maxSpanDurationMillis / 2, 1 s), 60 s)` and on `flush()`.
   * @default 3600000 (one hour)
   */
  readonly maxSpanDurationMillis?: number;
  /**
   * Also watch each sampled span's handle with a `FinalizationRegistry`: when code drops a span it
   * never ended (an abandoned promise), the span is emitted at once, marked `orphaned`
   * (tag `orphaned: gc`), with the time known so far. Off by default: it costs about as much as the
   * rest of a span (see docs/benchmarks.md); without it such spans are emitted at
   * `maxSpanDurationMillis` or `close()`.
   * @default false
   */
  readonly trackOrphans?: boolean;
}

/** Default of `maxBatchSpans` for plain sinks. */
const DEFAULT_MAX_BATCH_SPANS = 1024;

/** Options after validation, with defaults applied. */
export interface ResolvedTracerOptions {
  serviceName: string;
  sink: Sink | undefined;
  sampleRate: number;
  traceId128Bit: boolean;
  localEndpoint: { ipv4?: string | undefined; ipv6?: string | undefined; port?: number | undefined } | undefined;
  defaultTags: Readonly<Record<string, string>> | undefined;
  onError: ErrorHandler | undefined;
  warnings: boolean;
  maxQueueSpans: number;
  maxBatchSpans: number;
  maxTagsPerSpan: number;
  exitTimeoutMillis: number;
  maxAnnotationsPerSpan: number;
  clock: Clock | undefined;
  flushOnExit: FlushOnExitOptions | undefined;
  maxSpanDurationMillis: number;
  trackOrphans: boolean;
}

const positiveInt = (what: string) =>
  z.number({ error: `expected a positive integer (${what})` }).int({ error: `expected a positive integer (${what})` }).positive({ error: `expected a positive integer (${what})` });

export const tracerOptionsSchema = z.strictObject({
  serviceName: z
    .string({ error: 'expected a non-empty string, like "checkout"' })
    .trim()
    .min(1, { error: 'expected a non-empty string, like "checkout"' })
    .transform((s) => s.toLowerCase()),
  sink: z
    .custom<Sink>(isObjectWith('write'), { error: 'expected a sink: an object with a write(spans) method, like memorySink()' })
    .optional(),
  sampleRate: z
    .number({ error: 'expected a number from 0 to 1' })
    .min(0, { error: 'expected a number from 0 to 1' })
    .max(1, { error: 'expected a number from 0 to 1' })
    .default(1),
  traceId128Bit: z.boolean({ error: 'expected true or false' }).default(true),
  localEndpoint: endpointSchema.omit({ serviceName: true }).optional(),
  defaultTags: z.record(z.string(), z.string({ error: 'expected a string value (tags are strings)' })).optional(),
  onError: z.custom<ErrorHandler>((v) => typeof v === 'function', { error: 'expected a function (event) => void' }).optional(),
  warnings: z.boolean({ error: 'expected true or false' }).default(true),
  maxQueueSpans: positiveInt('spans').default(100_000),
  maxBatchSpans: positiveInt('spans').optional(),
  maxTagsPerSpan: positiveInt('tags').default(DEFAULT_MAX_TAGS_PER_SPAN),
  exitTimeoutMillis: z.number({ error: 'expected an integer >= 0 (milliseconds), like 5000' }).int({ error: 'expected an integer >= 0 (milliseconds), like 5000' }).min(0, { error: 'expected an integer >= 0 (milliseconds), like 5000' }).default(DEFAULT_EXIT_TIMEOUT_MILLIS),
  maxAnnotationsPerSpan: positiveInt('annotations').default(DEFAULT_MAX_ANNOTATIONS_PER_SPAN),
  batchSize: positiveInt('spans').optional(),
  clock: z.custom<Clock>(isObjectWith('now'), { error: 'expected a clock: an object with a now() method returning epoch microseconds' }).optional(),
  flushOnExit: z
    .union([z.boolean(), flushOnExitOptionsSchema], { error: 'expected true, false or { timeoutMillis?: integer >= 0, signals?: ["SIGTERM", "SIGINT", "SIGHUP"] }' })
    .default(false),
  maxSpanDurationMillis: positiveInt('milliseconds').default(3_600_000),
  trackOrphans: z.boolean({ error: 'expected true or false' }).default(false),
});

/**
 * Validates tracer options.
 * @throws {OptionsError} naming each bad option, e.g. `serviceName: expected a non-empty string`.
 */
export function resolveTracerOptions(input: unknown): ResolvedTracerOptions {
  const o = parseOptions('createTracer', tracerOptionsSchema, input);
  return {
    serviceName: o.serviceName,
    sink: o.sink,
    sampleRate: o.sampleRate,
    traceId128Bit: o.traceId128Bit,
    localEndpoint: o.localEndpoint,
    defaultTags: o.defaultTags,
    onError: o.onError,
    warnings: o.warnings,
    maxQueueSpans: o.maxQueueSpans,
    maxBatchSpans: o.maxBatchSpans ?? o.batchSize ?? DEFAULT_MAX_BATCH_SPANS,
    maxTagsPerSpan: o.maxTagsPerSpan,
    exitTimeoutMillis: o.exitTimeoutMillis,
    maxAnnotationsPerSpan: o.maxAnnotationsPerSpan,
    clock: o.clock,
    flushOnExit: o.flushOnExit === false ? undefined : o.flushOnExit === true ? {} : stripUndefined(o.flushOnExit),
    maxSpanDurationMillis: o.maxSpanDurationMillis,
    trackOrphans: o.trackOrphans,
  };
}

function stripUndefined(o: { timeoutMillis?: number | undefined; signals?: ExitSignal[] | undefined }): FlushOnExitOptions {
  return { ...(o.timeoutMillis !== undefined && { timeoutMillis: o.timeoutMillis }), ...(o.signals !== undefined && { signals: o.signals }) };
}

