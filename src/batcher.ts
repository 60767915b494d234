import type { Diagnostics } from './diagnostics.js';
import type { FlushOptions, Sink } from './sink.js';
import type { RecordingSpan } from './span.js';

/** Default for `flush()` and `close()` when no timeout is given. */
export const DEFAULT_FLUSH_TIMEOUT_MILLIS = 10_000;
/** How long past its deadline `close()` waits for the sink to account for what it dropped. */
const CLOSE_GRACE_MILLIS = 1_000;

/** How long a finished span may wait for its batch to fill: a few event-loop turns at most. */
export const BATCH_DELAY_MILLIS = 5;

/**
 * Collects finished spans and hands them to the sink in batches, off the traced call path:
 * `BATCH_DELAY_MILLIS` after the first span of a batch, or at once when a batch is full (a loop of
 * awaits that never yields to the event loop must not grow the queue without bound). Not once per
 * turn: code that yields on every call would then pay a batch, and an immediate, per span. The
 * timer is not unref'd, so a finishing script waits for its last batch (5 ms at most).
 */
export class Batcher {
  readonly #sink: Sink;
  readonly #diagnostics: Diagnostics;
  readonly #maxQueue: number;
  readonly #batchSize: number;
  #pending: RecordingSpan[] = [];
  #scheduled = false;
  readonly #writes = new Set<Promise<void>>();
  #writingSpans = 0;
  /** Spans the sink took without complaint (for sinks that keep no stats of their own). */
  accepted = 0;
  droppedQueueFull = 0;
  sinkFailed = 0;

  constructor(sink: Sink, diagnostics: Diagnostics, maxQueue: number, batchSize: number) {
    this.#sink = sink;
    this.#diagnostics = diagnostics;
    this.#maxQueue = maxQueue;
    this.#batchSize = batchSize;
  }

  get queued(): number {
    return this.#pending.length;
  }

  /** Spans in writes the sink has not settled yet (an async sink's own backlog). */
  get writingSpans(): number {
    return this.#writingSpans;
  }

  add(span: RecordingSpan): void {
    const pending = this.#pending;
    // Spans handed to an async sink still count: a slow sink must not grow memory without bound.
    if (pending.length + this.#writingSpans >= this.#maxQueue) {
      this.droppedQueueFull++;
      this.#diagnostics.report(
        'QUEUE_FULL',
        `the span queue is full (${this.#maxQueue} spans); spans are dropped and counted until the sink catches up. Raise maxQueueSpans or let the event loop run`,
      );
      return;
    }
    pending.push(span);
    if (pending.length >= this.#batchSize) {
      this.drain();
    } else if (!this.#scheduled) {
      this.#scheduled = true;
      setTimeout(this.#onTimer, BATCH_DELAY_MILLIS);
    }
  }

  readonly #onTimer = (): void => {
    this.#scheduled = false;
    this.drain();
  };

  /** Hands everything pending to the sink now. */
  drain(): void {
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    const n = batch.length;
    let result: void | Promise<void>;
    try {
      result = this.#sink.write(batch);
    } catch (error) {
      this.#failed(n, error);
      return;
    }
    if (result !== undefined && typeof (result as { then?: unknown }).then === 'function') {
      this.#writingSpans += n;
      const done = Promise.resolve(result).then(
        () => {
          this.#writingSpans -= n;
          this.accepted += n;
        },
        (error: unknown) => {
          this.#writingSpans -= n;
          this.#failed(n, error);
        },
      );
      this.#writes.add(done);
      void done.finally(() => this.#writes.delete(done));
    } else {
      this.accepted += n;
    }
  }

  #failed(n: number, error: unknown): void {
    this.sinkFailed += n;
    this.#diagnostics.report('SINK_WRITE_FAILED', `the sink failed to take ${n} span(s); they were dropped and counted`, error);
  }

  /** Drains, waits for the sink's writes, then for the sink's own flush, within the deadline. */
  async flush(options: FlushOptions | undefined, close: boolean): Promise<boolean> {
    const timeout = options?.timeoutMillis ?? DEFAULT_FLUSH_TIMEOUT_MILLIS;
    const deadline = Date.now() + timeout;
    this.drain();
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A sink's close() honours the deadline itself and then counts what it dropped; the grace lets
    // it finish that count, so close() reports the drops instead of resolving a moment before them.
    const guard = close ? timeout + CLOSE_GRACE_MILLIS : timeout;
    const expired = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), guard);
      timer.unref();
    });
    try {
      const work = (async (): Promise<true> => {
        await Promise.all([...this.#writes]);
        const remaining = { timeoutMillis: Math.max(0, deadline - Date.now()) };
        const sink = this.#sink;
        try {
          if (close && sink.close) await sink.close(remaining);
          else if (sink.flush) await sink.flush(remaining);
        } catch (error) {
          this.#diagnostics.report('SINK_FLUSH_FAILED', 'the sink failed while flushing', error);
        }
        return true;
      })();
      return await Promise.race([work, expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}
