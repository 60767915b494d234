import { z } from 'zod';
import { GENERIC_DELIVERY_KINDS, type DeliveryKinds } from '../model/diagnostic-kinds.js';
import { Diagnostics, type ErrorHandler } from '../model/diagnostics.js';
import { parseOptions } from '../model/options-error.js';
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
  /** Spans queued, retrying or in flight at most; past it new spans are dropped and counted. @default 100000 */
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
}

const int = (min: number, example: string) => {
  const error = `expected an integer >= ${min}, like ${example}`;
  return z.number({ error }).int({ error }).min(min, { error });
};

/** The checks and defaults of `DeliveringSinkOptions`, written once for every delivering sink. */
export const deliveryOptionsShape = {
  timeoutMillis: int(1, '10000').default(10_000),
  maxBatchSpans: int(1, '1000').default(1000),
  maxBatchBytes: int(1024, '5000000').default(5_000_000),
  flushIntervalMillis: int(0, '1000').default(1000),
  maxQueueSpans: int(1, '100000').default(100_000),
  maxQueueBytes: int(1024, '67108864').default(64 * 1024 * 1024),
  maxInFlight: int(1, '4').default(4),
  maxRetries: int(0, '10').default(10),
  initialBackoffMillis: int(0, '200').default(200),
  maxBackoffMillis: int(0, '10000').default(10_000),
  jitter: z
    .number({ error: 'expected a number from 0 to 1, like 0.5' })
    .min(0, { error: 'expected a number from 0 to 1, like 0.5' })
    .max(1, { error: 'expected a number from 0 to 1, like 0.5' })
    .default(0.5),
  onError: z.custom<ErrorHandler>((v) => typeof v === 'function', { error: 'expected a function (event) => void' }).optional(),
  warnings: z.boolean({ error: 'expected true or false' }).default(true),
};

/** The one cross-field rule. */
export function checkBackoff(o: { initialBackoffMillis: number; maxBackoffMillis: number }, ctx: z.RefinementCtx): void {
  if (o.maxBackoffMillis < o.initialBackoffMillis) {
    ctx.addIssue({ code: 'custom', path: ['maxBackoffMillis'], message: `expected at least initialBackoffMillis (${o.initialBackoffMillis})` });
  }
}

type Resolved = z.output<z.ZodObject<typeof deliveryOptionsShape>>;

/** Engine options from validated ones: timers never hold the process open, full batches go on the next turn. */
export function engineOptions(o: Resolved, kinds: DeliveryKinds): DeliveryOptions {
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
  };
}

const schema = z.strictObject(deliveryOptionsShape).superRefine(checkBackoff);

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
  const o = parseOptions('deliveringSink', schema, options);
  return new DeliveryEngine(transport, engineOptions(o, GENERIC_DELIVERY_KINDS), new Diagnostics(o.onError, o.warnings));
}
