import { isIPv4, isIPv6 } from 'node:net';
import { DEFAULT_MAX_ANNOTATIONS_PER_SPAN, DEFAULT_MAX_TAGS_PER_SPAN } from '../model/limits.js';
import { boolean, func, integer, INVALID, numberIn, object, optional, parseOptions, recordOf, rule, withDefault, type Output, type Rule } from '../model/option-rules.js';
import type { Clock } from './clock.js';
import type { ErrorHandler } from '../model/diagnostics.js';
import { isPort, MAX_PORT, type Endpoint } from '../model/endpoint.js';
import { DEFAULT_EXIT_TIMEOUT_MILLIS, flushOnExitOptionsShape, type ExitSignal, type FlushOnExitOptions } from './exit-handler.js';
import type { Sink } from '../model/sink.js';
import { PROPAGATION_FORMATS, type PropagationFormat } from '../propagation/formats.js';
import { isTracestateKey } from '../propagation/w3c.js';

const isObjectWith = (key: string) => (v: unknown) =>
  v !== null && typeof v === 'object' && typeof (v as Record<string, unknown>)[key] === 'function';

const port: Rule<number> = (value, path, problems) => {
  if (isPort(value)) return value;
  problems.push(`${path}: expected an integer from 1 to ${MAX_PORT}${Number.isFinite(value) ? ' (leave it out when unknown; 0 is not allowed)' : ''}`);
  return INVALID;
};

/** This process's address; its service name is the tracer's own. */
const localEndpointShape = {
  ipv4: optional(rule((v): v is string => typeof v === 'string' && isIPv4(v), 'expected an IPv4 address like "10.0.0.7"')),
  // node:net accepts a zone (fe80::1%eth0); Zipkin's model takes the address alone.
  ipv6: optional(rule((v): v is string => typeof v === 'string' && isIPv6(v) && !v.includes('%'), 'expected an IPv6 address like "2001:db8::c001"')),
  port: optional(port),
};

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
  /**
   * The formats spans propagate in, injected all and extracted in this order (the first present
   * and valid wins, a malformed one falls back to the next): `'b3'` (B3 multiple headers),
   * `'b3-single'` (the `b3` header), `'w3c'` (W3C Trace Context `traceparent`/`tracestate`).
   * @default ['b3']
   * @example createTracer({ serviceName: 'proxy', propagation: ['b3', 'w3c'] })
   * @throws {OptionsError} for an empty list, an unknown format, a repeat, or both B3 forms.
   */
  readonly propagation?: readonly PropagationFormat[];
  /**
   * This service's key in W3C `tracestate`: when set, each outgoing `tracestate` gets
   * `key=spanId` first (moved to the front if the trace already had it). Unset, `tracestate` is
   * passed on exactly as received.
   * @example createTracer({ serviceName: 'proxy', propagation: ['w3c'], tracestateKey: 'proxy' })
   */
  readonly tracestateKey?: string;
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
  propagation: readonly PropagationFormat[];
  tracestateKey: string | undefined;
}

const PROPAGATION_EXPECTED = `expected a non-empty list of ${PROPAGATION_FORMATS.map((f) => `'${f}'`).join(', ')}, like ['b3', 'w3c']`;

const propagationRule: Rule<readonly PropagationFormat[]> = (value, path, problems) => {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(`${path}: ${PROPAGATION_EXPECTED}`);
    return INVALID;
  }
  const seen = new Set<string>();
  for (const [i, f] of (value as unknown[]).entries()) {
    if (typeof f !== 'string' || !(PROPAGATION_FORMATS as readonly string[]).includes(f)) {
      problems.push(`${path}[${i}]: ${PROPAGATION_EXPECTED}${typeof f === 'string' && f.toLowerCase() === 'w3c' ? ` (write '${f.toLowerCase()}')` : ''}`);
      return INVALID;
    }
    if (seen.has(f)) {
      problems.push(`${path}: '${f}' is listed twice; list each format once`);
      return INVALID;
    }
    seen.add(f);
  }
  if (seen.has('b3') && seen.has('b3-single')) {
    problems.push(`${path}: 'b3' and 'b3-single' are the same format written two ways; keep one (receivers read both)`);
    return INVALID;
  }
  return [...(value as PropagationFormat[])];
};

const positiveInt = (what: string) => integer(1, `expected a positive integer (${what})`);
const NON_EMPTY_NAME = 'expected a non-empty string, like "checkout"';
const FLUSH_ON_EXIT = 'expected true, false or { timeoutMillis?: integer >= 0, signals?: ["SIGTERM", "SIGINT", "SIGHUP"] }';
const flushOnExitOptions = object(flushOnExitOptionsShape, FLUSH_ON_EXIT);

const tracerOptionsShape = {
  serviceName: ((value, path, problems) => {
    const name = typeof value === 'string' ? value.trim() : '';
    if (name !== '') return name.toLowerCase();
    problems.push(`${path}: ${NON_EMPTY_NAME}`);
    return INVALID;
  }) satisfies Rule<string>,
  sink: optional(rule<Sink>(isObjectWith('write'), 'expected a sink: an object with a write(spans) method, like memorySink()')),
  sampleRate: withDefault(numberIn(0, 1, 'expected a number from 0 to 1'), 1),
  traceId128Bit: withDefault(boolean('expected true or false'), true),
  localEndpoint: optional(object(localEndpointShape, 'expected an object like { ipv4: "10.0.0.7", port: 8080 }')),
  defaultTags: optional(recordOf(rule((v): v is string => typeof v === 'string', 'expected a string value (tags are strings)'), 'expected an object of string values, like { region: "eu-west-1" }')),
  onError: optional(func<ErrorHandler>('expected a function (event) => void')),
  warnings: withDefault(boolean('expected true or false'), true),
  maxQueueSpans: withDefault(positiveInt('spans'), 100_000),
  maxBatchSpans: optional(positiveInt('spans')),
  maxTagsPerSpan: withDefault(positiveInt('tags'), DEFAULT_MAX_TAGS_PER_SPAN),
  exitTimeoutMillis: withDefault(integer(0, 'expected an integer >= 0 (milliseconds), like 5000'), DEFAULT_EXIT_TIMEOUT_MILLIS),
  maxAnnotationsPerSpan: withDefault(positiveInt('annotations'), DEFAULT_MAX_ANNOTATIONS_PER_SPAN),
  batchSize: optional(positiveInt('spans')),
  clock: optional(rule<Clock>(isObjectWith('now'), 'expected a clock: an object with a now() method returning epoch microseconds')),
  flushOnExit: withDefault(((value, path, problems) => (typeof value === 'boolean' ? value : flushOnExitOptions(value, path, problems))) satisfies Rule<boolean | Output<typeof flushOnExitOptionsShape>>, false),
  maxSpanDurationMillis: withDefault(positiveInt('milliseconds'), 3_600_000),
  trackOrphans: withDefault(boolean('expected true or false'), false),
  propagation: withDefault(propagationRule, ['b3'] as readonly PropagationFormat[]),
  tracestateKey: optional(rule<string>((v) => typeof v === 'string' && isTracestateKey(v), 'expected a W3C tracestate key: lowercase letters, digits and _-*/@, starting with a letter or digit, like "proxy"')),
};

/**
 * Validates tracer options.
 * @throws {OptionsError} naming each bad option, e.g. `serviceName: expected a non-empty string`.
 */
export function resolveTracerOptions(input: unknown): ResolvedTracerOptions {
  const o = parseOptions('createTracer', tracerOptionsShape, input);
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
    propagation: o.propagation,
    tracestateKey: o.tracestateKey,
  };
}

function stripUndefined(o: { readonly timeoutMillis?: number | undefined; readonly signals?: readonly ExitSignal[] | undefined }): FlushOnExitOptions {
  return { ...(o.timeoutMillis !== undefined && { timeoutMillis: o.timeoutMillis }), ...(o.signals !== undefined && { signals: o.signals }) };
}

