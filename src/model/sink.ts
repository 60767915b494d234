import type { DiagnosticKind } from './diagnostic-kinds.js';
import type { SpanRecord } from './span-record.js';

/** Spans dropped, by reason. Every count is in spans, not requests. */
export interface DropCounts {
  /** A queue was full: the tracer's or the sink's. */
  queueFull: number;
  /** The collector rejected them (HTTP 400) or they could not be encoded. */
  rejected: number;
  /** They were still undelivered when retries or a flush deadline ran out. */
  expired: number;
  /** The sink threw or rejected while taking them (or its spool could not read them back). */
  sinkFailed: number;
  /** Its disk spool was at `spool.maxBytes` (by its `whenFull` policy). Present only on sinks with a spool. */
  spoolFull?: number;
}

/** Every span dropped, whatever the reason (the spool's too). */
export function droppedTotal(d: DropCounts): number {
  return d.queueFull + d.rejected + d.expired + d.sinkFailed + (d.spoolFull ?? 0);
}

/** What a sink reports about itself. Every count is in spans. */
export interface SinkStats {
  /** Waiting to be sent. */
  queued: number;
  /** In requests not yet answered. */
  inFlight: number;
  /** Delivered. */
  sent: number;
  /** Sent again after a failure (a span sent three times counts 2). */
  retried: number;
  dropped: DropCounts;
  /** The last failure, with credentials kept out of its text. */
  lastError: string | undefined;
  /**
   * Spans this sink wrote to its disk spool (a span written and later sent counts here and in
   * `sent`). Present only on sinks with a spool; spans on disk not yet sent count in `queued`.
   */
  spooled?: number;
  /**
   * Spans of an earlier run (or process) read back from the spool and sent again through this
   * sink: each is then counted once more as sent or dropped here, so
   * `sent + dropped + queued + inFlight = written + replayed`. Present only on sinks with a spool.
   */
  replayed?: number;
}

/** What `flush()` and `close()` resolve to. */
export interface FlushResult {
  /** True when everything was delivered before the deadline and nothing was dropped while waiting. */
  readonly complete: boolean;
  /** Spans still not delivered when the deadline passed. */
  readonly pending: number;
  /** Everything dropped so far, by reason. */
  readonly dropped: DropCounts;
}

/** How long `flush()` and `close()` wait when no timeout is given. */
export const DEFAULT_FLUSH_TIMEOUT_MILLIS = 10_000;

/** Options of `flush()` and `close()`. */
export interface FlushOptions {
  /**
   * How long to wait for delivery before giving up and reporting what is left.
   * @default 10000
   */
  readonly timeoutMillis?: number;
}

/**
 * Where finished spans go. The tracer calls `write` off the traced call path with a batch of
 * finished spans; a sink that sends over a network queues, batches and retries on its own, and
 * reports through `stats()`.
 *
 * @example
 * const mine: Sink = { write(spans) { for (const s of spans) console.log(encodeSpan(s)); } };
 */
export interface Sink {
  /**
   * Takes a batch. It may return a promise; a throw or a rejection is counted as `sinkFailed` and
   * never reaches user code. The array belongs to the sink afterwards.
   */
  write(spans: SpanRecord[]): void | Promise<void>;
  /** Resolves once everything written so far has been delivered, or the deadline passed. */
  flush?(options?: FlushOptions): Promise<void>;
  /** Flushes, then releases timers, sockets and files. */
  close?(options?: FlushOptions): Promise<void>;
  /** Counts for `tracer.stats()`. */
  stats?(): SinkStats;
}

/** Fresh zero drop counts. */
export function noDrops(): DropCounts {
  return { queueFull: 0, rejected: 0, expired: 0, sinkFailed: 0 };
}

/** A batch as a transport sends it: the records and, for transports that encode, their bytes. */
export interface OutgoingBatch {
  readonly records: readonly SpanRecord[];
  /** What `Transport.encode` made of the records; undefined for transports without `encode`. */
  readonly body: Uint8Array | undefined;
  /** Failed attempts so far. */
  readonly attempts: number;
}

/**
 * What one `send` came to. The delivery engine acts on it: `sent` counts the spans as sent;
 * `retry` tries again after a backoff (at least `afterMillis`, e.g. a `Retry-After`), up to
 * `maxRetries`; `split` sends each half on its own until the bad span stands alone, which is dropped
 * as rejected; `refused` drops the batch (no retry can help: auth, a wrong URL), counted as
 * `rejected` or, with `as: 'sinkFailed'`, as `sinkFailed`.
 */
export type SendOutcome =
  | { readonly outcome: 'sent' }
  | { readonly outcome: 'retry'; readonly reason: string; readonly afterMillis?: number | undefined; readonly error?: unknown }
  | { readonly outcome: 'split'; readonly kind: DiagnosticKind; readonly message: string }
  | { readonly outcome: 'refused'; readonly kind: DiagnosticKind; readonly message: string; readonly as?: 'rejected' | 'sinkFailed'; readonly error?: unknown };

/**
 * Sends batches somewhere, and only that: the delivery engine around it owns the queue, batching,
 * retries with backoff, deadlines, the in-flight bound, drain, close and every count.
 *
 * @example
 * const transport: Transport = {
 *   target: 'my store',
 *   async send(batch, signal) {
 *     const res = await fetch(url, { method: 'POST', body: encodeSpans(batch.records), signal });
 *     return res.ok ? { outcome: 'sent' } : { outcome: 'retry', reason: `HTTP ${res.status}` };
 *   },
 * };
 * const sink = deliveringSink(transport, { maxRetries: 5 });
 */
export interface Transport {
  /** Where batches go, for messages: no credentials. */
  readonly target: string;
  /** Encodes a batch once, before its first attempt; with it, batches and the queue are bounded by bytes too. */
  encode?(records: readonly SpanRecord[]): Uint8Array;
  /**
   * Sends one batch. `signal` aborts when the attempt times out or `close()` runs out of time.
   * A throw or a rejection is retried like `{ outcome: 'retry' }`, its message the reason.
   */
  send(batch: OutgoingBatch, signal: AbortSignal): SendOutcome | Promise<SendOutcome>;
  /** Called once everything is delivered on flush (a plain sink's own flush). */
  flush?(options: FlushOptions): void | Promise<void>;
  /** Releases sockets, files and timers; called last by `close()`. */
  close?(options: FlushOptions): void | Promise<void>;
}

/**
 * The one queue between a tracer and its sink, as the tracer sees it: the delivery engine. The
 * tracer hands each finished span over with `add` and takes every delivery figure from `stats`.
 */
export interface SpanQueue {
  /** Takes one finished span (the traced call path: a push and a bound check). */
  add(record: SpanRecord): void;
  /** Counts spans that never entered the queue (ended after close) as expired, reporting `kind`. */
  discard(n: number, kind: DiagnosticKind, message: string): void;
  /** Resolves true once everything queued was delivered, false at the deadline. */
  flushWithin(timeoutMillis: number): Promise<boolean>;
  /** Flushes, then gives up what is left at the deadline (counted as expired) and releases the sink. */
  closeWithin(timeoutMillis: number): Promise<boolean>;
  /** The process is exiting: counts everything queued or in flight as expired, at once; returns how many. */
  abandon(): number;
  stats(): SinkStats;
}
