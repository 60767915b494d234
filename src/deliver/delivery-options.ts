import { GENERIC_DELIVERY_KINDS, type DeliveryKinds } from '../model/diagnostic-kinds.js';
import { Diagnostics, type ErrorHandler } from '../model/diagnostics.js';
import { boolean, func, integer, nonEmptyString, numberIn, object, oneOf, optional, parseOptions, withDefault, type Checked, type Output } from '../model/option-rules.js';
import type { Transport } from '../model/sink.js';
import { DeliveryEngine, type DeliveryOptions } from './engine.js';

/**
 * How a delivering sink queues, batches and retries: the options of `deliveringSink`, and of
 * `zipkinHttpSink`, which is one. Every one is optional.
 */
export interface DeliveringSinkOptions {
  /**
   * An attempt (a request) not answered after this long is aborted and retried.
   * @default 10000
   */
  readonly timeoutMillis?: number;
  /** Spans in one batch at most. @default 1000 */
  readonly maxBatchSpans?: number;
  /** Encoded bytes in one batch at most (transports that encode) (a single larger span is still sent, alone). @default 5000000 */
  readonly maxBatchBytes?: number;
  /** How long a span may wait for its batch to fill before it is sent. @default 1000 */
  readonly flushIntervalMillis?: number;
  /**
   * Spans queued, retrying or in flight at most; past it new spans are dropped and counted. The
   * default holds a burst of 200,000 small spans (it meets `maxQueueBytes` at about 335 bytes a
   * span: larger spans are bounded by bytes). Memory is only taken while spans wait.
   * @default 200000
   */
  readonly maxQueueSpans?: number;
  /** Encoded bytes waiting to be sent at most (transports that encode); past it new spans are dropped and counted. @default 67108864 (64 MiB) */
  readonly maxQueueBytes?: number;
  /** Batches in flight at once at most; a batch keeps its slot through its retries. @default 4 */
  readonly maxInFlight?: number;
  /** Retries of one batch after network errors, timeouts, 429 and 5xx; then it is dropped as expired. @default 10 */
  readonly maxRetries?: number;
  /** Wait before the first retry; it doubles on each retry. @default 200 */
  readonly initialBackoffMillis?: number;
  /** Longest wait between retries (a longer `Retry-After` is still honoured). @default 10000 */
  readonly maxBackoffMillis?: number;
  /** Fraction of each wait that is random, 0 (none) to 1 (full jitter). @default 0.5 */
  readonly jitter?: number;
  /** Called with every failure of this sink (per batch, never per span). */
  readonly onError?: ErrorHandler;
  /** Warn once per kind of failure through `process.emitWarning`. @default true */
  readonly warnings?: boolean;
  /**
   * A disk spool: batches that cannot be sent now (the destination fails, or the memory queue is at
   * its bound) go to segment files in `spool.dir`, and are sent from there, oldest first, when it
   * answers again, by this sink or by the next one started on the same directory (the next run of
   * the job). With `always: true` every batch is written there before it is sent (a write-ahead
   * log): a SIGKILL then loses at most the spans of the last `fsyncMillis`. Needs a transport that
   * encodes (the spool stores bytes). Unset: spans wait in memory only.
   * @example
   * zipkinHttpSink({ spool: { dir: '/var/spool/my-job', maxBytes: 1024 ** 3, always: true } })
   */
  readonly spool?: SpoolOptions;
}

/** Options of a delivering sink's disk spool. */
export interface SpoolOptions {
  /** The directory of the segment files and the owner's lock file; created if missing. One process owns it at a time. */
  readonly dir: string;
  /** Bytes of segment files at most; past it `whenFull` decides what is dropped (counted as `dropped.spoolFull`). @default 1073741824 (1 GiB) */
  readonly maxBytes?: number;
  /** How often what was written is fsynced (not per write). `close()` and `flush()` fsync too. @default 500 */
  readonly fsyncMillis?: number;
  /** At maxBytes: delete the oldest segment (its unread spans dropped), or drop the batch that does not fit. @default 'dropOldest' */
  readonly whenFull?: 'dropOldest' | 'dropNewest';
  /** Write every batch to the spool before it is sent (write-ahead), not only those that cannot be sent now. @default false */
  readonly always?: boolean;
}

const int = (min: number, example: string) => integer(min, `expected an integer >= ${min}, like ${example}`);

/** The checks and defaults of `SpoolOptions`. */
const spoolShape = {
  dir: nonEmptyString('expected a directory path, like "/var/spool/my-job"'),
  maxBytes: withDefault(int(65_536, '1073741824 (1 GiB)'), 1024 ** 3),
  fsyncMillis: withDefault(int(1, '500'), 500),
  whenFull: withDefault(oneOf(['dropOldest', 'dropNewest'], "expected 'dropOldest' or 'dropNewest'"), 'dropOldest'),
  always: withDefault(boolean('expected true or false'), false),
};

/** The checks and defaults of `DeliveringSinkOptions`, written once for every delivering sink. */
export const deliveryOptionsShape = {
  timeoutMillis: withDefault(int(1, '10000'), 10_000),
  maxBatchSpans: withDefault(int(1, '1000'), 1000),
  maxBatchBytes: withDefault(int(1024, '5000000'), 5_000_000),
  flushIntervalMillis: withDefault(int(0, '1000'), 1000),
  maxQueueSpans: withDefault(int(1, '200000'), 200_000),
  maxQueueBytes: withDefault(int(1024, '67108864'), 64 * 1024 * 1024),
  maxInFlight: withDefault(int(1, '4'), 4),
  maxRetries: withDefault(int(0, '10'), 10),
  initialBackoffMillis: withDefault(int(0, '200'), 200),
  maxBackoffMillis: withDefault(int(0, '10000'), 10_000),
  jitter: withDefault(numberIn(0, 1, 'expected a number from 0 to 1, like 0.5'), 0.5),
  onError: optional(func<ErrorHandler>('expected a function (event) => void')),
  warnings: withDefault(boolean('expected true or false'), true),
  spool: optional(object(spoolShape, 'expected { dir, maxBytes?, fsyncMillis?, whenFull?, always? }, like { dir: "/var/spool/my-job" }')),
};

/** The one check across options: the longest wait is not shorter than the first. */
export function checkBackoff(o: Pick<Checked<typeof deliveryOptionsShape>, 'initialBackoffMillis' | 'maxBackoffMillis'>, problems: string[]): void {
  const { initialBackoffMillis: initial, maxBackoffMillis: max } = o;
  if (typeof initial === 'number' && typeof max === 'number' && max < initial) {
    problems.push(`maxBackoffMillis: expected at least initialBackoffMillis (${initial})`);
  }
}

type Resolved = Output<typeof deliveryOptionsShape>;

/** Engine options from validated ones: timers never hold the process open, full batches go on the next turn. */
export function engineOptions(o: Omit<Resolved, 'spool'> & { readonly spool?: Resolved['spool'] }, kinds: DeliveryKinds): DeliveryOptions {
  return {
    maxQueueSpans: o.maxQueueSpans,
    maxQueueBytes: o.maxQueueBytes,
    maxBatchSpans: o.maxBatchSpans,
    maxBatchBytes: o.maxBatchBytes,
    flushIntervalMillis: o.flushIntervalMillis,
    // close() (or flushOnExit) delivers the last spans; a timer must not keep a finished script alive.
    holdProcess: false,
    sendFullBatchAtOnce: false,
    maxInFlight: o.maxInFlight,
    maxRetries: o.maxRetries,
    initialBackoffMillis: o.initialBackoffMillis,
    maxBackoffMillis: o.maxBackoffMillis,
    jitter: o.jitter,
    timeoutMillis: o.timeoutMillis,
    kinds,
    spool: o.spool,
  };
}

/**
 * A reliable sink of your own: your `transport` only sends one batch and says how it went
 * (`sent`, `retry`, `split`, `refused`); the delivery engine around it queues (bounded), batches,
 * retries with backoff and jitter, bounds what is in flight, flushes, closes within a deadline and
 * counts every span once as sent or dropped by reason. Give it to `createTracer({ sink })`: it is
 * the tracer's one queue, and `tracer.stats()` reads it. See examples/reliable-sink.ts.
 *
 * @example
 * const sink = deliveringSink({
 *   target: 'http://collector/spans',
 *   encode: (records) => encodeSpansBytes(records),
 *   async send(batch, signal) {
 *     const res = await fetch('http://collector/spans', { method: 'POST', body: batch.body, signal });
 *     return res.ok ? { outcome: 'sent' } : { outcome: 'retry', reason: `HTTP ${res.status}` };
 *   },
 * }, { maxRetries: 5 });
 * @throws {OptionsError} naming each bad option, e.g. `maxInFlight: expected an integer >= 1, like 4`.
 * @throws {TypeError} when `transport` has no `send` function or no `target` string.
 */
export function deliveringSink(transport: Transport, options?: DeliveringSinkOptions): DeliveryEngine {
  if (transport === null || typeof transport !== 'object' || typeof transport.send !== 'function' || typeof transport.target !== 'string') {
    throw new TypeError('deliveringSink: transport: expected { target: string, send(batch, signal) }, see the Transport type');
  }
  const o = parseOptions('deliveringSink', deliveryOptionsShape, options, (checked, problems) => {
    checkBackoff(checked, problems);
    if (checked.spool !== undefined && typeof transport.encode !== 'function') {
      problems.push('spool: the spool stores encoded batches; give the transport an encode(records) that returns bytes, or remove spool');
    }
  });
  return new DeliveryEngine(transport, engineOptions(o, GENERIC_DELIVERY_KINDS), new Diagnostics(o.onError, o.warnings));
}
