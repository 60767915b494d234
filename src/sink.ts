import type { SpanRecord } from './span.js';

/** Spans dropped, by reason. Every count is in spans, not requests. */
export interface DropCounts {
  /** A queue was full: the tracer's or the sink's. */
  queueFull: number;
  /** The collector rejected them (HTTP 400) or they could not be encoded. */
  rejected: number;
  /** They were still undelivered when retries or a flush deadline ran out. */
  expired: number;
  /** The sink threw or rejected while taking them. */
  sinkFailed: number;
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
