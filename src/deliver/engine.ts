import { GENERIC_DELIVERY_KINDS, type DeliveryKinds, type DiagnosticKind } from '../model/diagnostic-kinds.js';
import { Diagnostics } from '../model/diagnostics.js';
import { DEFAULT_FLUSH_TIMEOUT_MILLIS, noDrops, type DropCounts, type FlushOptions, type OutgoingBatch, type SendOutcome, type Sink, type SinkStats, type Transport } from '../model/sink.js';
import type { SpanRecord } from '../model/span-record.js';

/** A first guess of encoded bytes per span, replaced by measurements. */
const FIRST_BYTES_PER_SPAN = 400;

/** How an engine queues, batches and retries. */
export interface DeliveryOptions {
  /** Spans queued or in flight at most; past it new spans are dropped as `queueFull`. */
  readonly maxQueueSpans: number;
  /** Encoded bytes waiting or in flight at most (transports with `encode` only). */
  readonly maxQueueBytes: number;
  /** Spans in one batch at most. */
  readonly maxBatchSpans: number;
  /** Encoded bytes in one batch at most (a single larger span still goes, alone). */
  readonly maxBatchBytes: number;
  /** How long a span may wait for its batch to fill. */
  readonly flushIntervalMillis: number;
  /** Whether that wait holds the process open (a script then waits for its last batch). */
  readonly holdProcess: boolean;
  /** Send a full batch inside the call that filled it (cheap sinks), or on the next turn. */
  readonly sendFullBatchAtOnce: boolean;
  /** Batches in flight at once at most; a batch holds its slot through its retries. */
  readonly maxInFlight: number;
  /** Retries of one batch; then it is dropped as expired. */
  readonly maxRetries: number;
  readonly initialBackoffMillis: number;
  readonly maxBackoffMillis: number;
  /** Fraction of each backoff that is random, 0 to 1. */
  readonly jitter: number;
  /** An attempt not answered after this long is aborted and retried; undefined: no limit. */
  readonly timeoutMillis: number | undefined;
  /** The diagnostic kinds this engine reports. */
  readonly kinds: DeliveryKinds;
}

interface Batch extends OutgoingBatch {
  readonly records: SpanRecord[];
  readonly bytes: number;
  attempts: number;
  /** Counted as sent or dropped: later outcomes are ignored, so every span is counted once. */
  done: boolean;
}

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';

/** A rejection's text, for the retry message; a timeout says which option it was. */
export function describeError(error: unknown, timeoutMillis: number | undefined): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return `no answer within ${timeoutMillis} ms (timeoutMillis)`;
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : '';
    return detail === '' ? error.message : `${error.message}: ${detail}`;
  }
  try {
    return String(error);
  } catch {
    return 'an unprintable error';
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. The timer never holds the process open. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * The one owner of the span queue: takes finished records, packs them into batches, hands each
 * batch to its transport with at most `maxInFlight` in flight, retries with exponential backoff and
 * jitter, bisects batches the destination calls invalid, drains on flush, and on close gives up at
 * the deadline. It counts every span exactly once, as sent or dropped by reason, and is the single
 * source of `stats()`. The traced call path only pushes onto an array.
 */
export class DeliveryEngine implements Sink {
  readonly #transport: Transport;
  readonly #o: DeliveryOptions;
  readonly #kinds: DeliveryKinds;
  readonly diagnostics: Diagnostics;
  /** Aborts attempts and backoffs when `close()` runs out of time. */
  readonly #abort = new AbortController();

  /** Waiting, not yet encoded. */
  #records: SpanRecord[] = [];
  /** Halves of split batches, sent before new ones. */
  #ready: Batch[] = [];
  #readySpans = 0;
  #backingOff = 0;
  /** Batches holding an in-flight slot (sending or waiting out a backoff). */
  readonly #running = new Set<Batch>();
  #inFlight = 0;
  #encodedBytes = 0;
  #bytesPerSpan = FIRST_BYTES_PER_SPAN;
  readonly #bounded: boolean;
  // Read on every add(): fields of their own, not loads through the options object.
  readonly #maxQueueSpans: number;
  readonly #maxBatchSpans: number;

  #sent = 0;
  #retried = 0;
  readonly #dropped: DropCounts = noDrops();
  #lastError: string | undefined = undefined;

  /** Send partial batches now: the interval passed, or a flush is waiting. */
  #due = false;
  #flushing = 0;
  #closed = false;
  #closing: Promise<boolean> | undefined = undefined;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #pumpScheduled = false;
  #idle: Array<() => void> = [];

  constructor(transport: Transport, options: DeliveryOptions, diagnostics?: Diagnostics) {
    this.#transport = transport;
    this.#o = options;
    this.#kinds = options.kinds;
    this.diagnostics = diagnostics ?? new Diagnostics();
    this.#bounded = transport.encode !== undefined && Number.isFinite(options.maxQueueBytes);
    this.#maxQueueSpans = options.maxQueueSpans;
    this.#maxBatchSpans = options.maxBatchSpans;
  }

  /** Where batches go, for messages. */
  get target(): string {
    return this.#transport.target;
  }

  /** Reports from now on also reach a tracer's diagnostics (its counts, `onError` and warnings). */
  attach(diagnostics: Diagnostics): void {
    this.diagnostics.attach(diagnostics);
  }

  #report(kind: DiagnosticKind, message: string, error?: unknown): void {
    this.#lastError = message;
    this.diagnostics.report(kind, message, error);
  }

  get #queued(): number {
    return this.#records.length + this.#readySpans + this.#backingOff;
  }

  /** Room for new spans under both bounds. */
  #room(): number {
    const bySpans = this.#o.maxQueueSpans - this.#queued - this.#inFlight;
    if (!this.#bounded) return bySpans;
    // Spans not yet encoded count at the average size measured so far.
    const byBytes = Math.floor((this.#o.maxQueueBytes - this.#encodedBytes) / this.#bytesPerSpan) - this.#records.length;
    return Math.min(bySpans, byBytes);
  }

  /** Takes one finished span: the tracer's hand-off, a push and a bound check (the traced call path). */
  add(record: SpanRecord): void {
    if (this.#closed) return this.discard(1, this.#kinds.closed, 'a span was written after close(); it was dropped and counted as expired');
    const records = this.#records;
    // The span bound from fields, without a call; the byte bound (HTTP) only when it applies.
    if (records.length + this.#readySpans + this.#backingOff + this.#inFlight >= this.#maxQueueSpans || (this.#bounded && this.#room() <= 0)) return this.#full(1);
    records.push(record);
    if (records.length >= this.#maxBatchSpans || this.#due) this.#batchReady();
    else if (this.#timer === undefined) this.#startTimer();
  }

  /** Takes a batch of finished spans (the `Sink` contract); past the bound the rest are dropped and counted. */
  write(spans: SpanRecord[]): void {
    const n = spans.length;
    if (n === 0) return;
    if (this.#closed) return this.discard(n, this.#kinds.closed, `${n} span(s) were written after close(); they were dropped and counted as expired`);
    const room = Math.max(0, this.#room());
    const take = n <= room ? n : room;
    const records = this.#records;
    for (let i = 0; i < take; i++) records.push(spans[i]!);
    if (take < n) this.#full(n - take);
    if (records.length >= this.#o.maxBatchSpans || this.#due) this.#batchReady();
    else if (this.#timer === undefined && records.length > 0) this.#startTimer();
  }

  /** Counts spans that never entered the queue as expired, reporting `kind`. */
  discard(n: number, kind: DiagnosticKind, message: string): void {
    this.#dropped.expired += n;
    this.#report(kind, message);
  }

  #full(n: number): void {
    this.#dropped.queueFull += n;
    const o = this.#o;
    const bound = this.#bounded ? `${o.maxQueueSpans} spans or ${o.maxQueueBytes} bytes` : `${o.maxQueueSpans} spans`;
    this.#report(
      this.#kinds.queueFull,
      `the span queue for ${this.#transport.target} is full (${bound}); new spans are dropped and counted until it catches up. Raise maxQueueSpans${this.#bounded ? '/maxQueueBytes or maxInFlight' : ''}, or let the event loop run`,
    );
  }

  #startTimer(): void {
    const timer = setTimeout(this.#onInterval, this.#o.flushIntervalMillis);
    if (!this.#o.holdProcess) timer.unref();
    this.#timer = timer;
  }

  readonly #onInterval = (): void => {
    this.#timer = undefined;
    this.#due = true;
    this.#pump();
  };

  #batchReady(): void {
    if (this.#o.sendFullBatchAtOnce) {
      this.#pump();
      return;
    }
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    setImmediate(this.#onPump);
  }

  readonly #onPump = (): void => {
    this.#pumpScheduled = false;
    this.#pump();
  };

  /**
   * The next batch from the waiting spans, at most maxBatchSpans and maxBatchBytes; undefined when
   * the spans it looked at could not be sent at all. A span that cannot be encoded (its JSON would
   * pass V8's string limit, a record's getter throws) or that alone passes maxBatchBytes is dropped
   * here, counted as rejected and reported: it must not crash the timer or block the queue.
   */
  #pack(): Batch | undefined {
    const records = this.#records;
    const { maxBatchSpans, maxBatchBytes } = this.#o;
    const encode = this.#transport.encode;
    if (encode === undefined) {
      const chunk = records.length <= maxBatchSpans ? records : records.splice(0, maxBatchSpans);
      if (chunk === records) this.#records = [];
      return { records: chunk, body: undefined, bytes: 0, attempts: 0, done: false };
    }
    let n = Math.min(records.length, maxBatchSpans, Math.max(1, Math.floor(maxBatchBytes / this.#bytesPerSpan)));
    for (;;) {
      const chunk = records.slice(0, n);
      let body: Uint8Array;
      try {
        body = encode.call(this.#transport, chunk);
      } catch (error) {
        if (n > 1) {
          // One span in the chunk is the likely cause: halve until it stands alone.
          n = n >> 1;
          continue;
        }
        records.splice(0, 1);
        return this.#tooLarge(chunk[0]!, 'could not be encoded', error);
      }
      const bytes = body.length;
      if (n === 1 && bytes > maxBatchBytes) {
        records.splice(0, 1);
        return this.#tooLarge(chunk[0]!, `encodes to ${bytes} bytes, more than maxBatchBytes (${maxBatchBytes})`);
      }
      this.#bytesPerSpan = Math.max(1, Math.ceil(bytes / n));
      if (bytes <= maxBatchBytes) {
        records.splice(0, n);
        this.#encodedBytes += bytes;
        return { records: chunk, body, bytes, attempts: 0, done: false };
      }
      n = Math.max(1, Math.floor((n * maxBatchBytes) / bytes));
    }
  }

  #tooLarge(record: SpanRecord, why: string, error?: unknown): undefined {
    this.#dropped.rejected += 1;
    let name = '?';
    try {
      name = String(record.name).slice(0, 80);
    } catch {
      // a foreign record with a throwing getter: the name is not needed to drop it
    }
    this.#report('SPAN_TOO_LARGE', `a span ("${name}") ${why}; it was dropped and counted as rejected. Record fewer or shorter tags and annotations`, error);
    return undefined;
  }

  /** Starts batches while there are slots and something to send. */
  #pump(): void {
    while (this.#running.size < this.#o.maxInFlight) {
      let batch = this.#ready.shift();
      if (batch !== undefined) {
        this.#readySpans -= batch.records.length;
      } else {
        const waiting = this.#records.length;
        if (waiting === 0 || (waiting < this.#o.maxBatchSpans && !this.#due)) break;
        batch = this.#pack();
        if (batch === undefined) continue;
      }
      this.#running.add(batch);
      this.#inFlight += batch.records.length;
      this.#attempt(batch);
    }
    if (this.#records.length === 0) this.#due = this.#flushing > 0;
    else if (!this.#due && this.#timer === undefined) this.#startTimer();
    this.#checkIdle();
  }

  #checkIdle(): void {
    if (this.#idle.length === 0 || this.#queued + this.#inFlight > 0) return;
    const waiters = this.#idle;
    this.#idle = [];
    for (const resolve of waiters) resolve();
  }

  /** One send; its batch's spans are counted in flight from here until its outcome. */
  #attempt(batch: Batch): void {
    const closing = this.#abort.signal;
    const timeoutMillis = this.#o.timeoutMillis;
    let signal = closing;
    let cleanup: (() => void) | undefined;
    if (timeoutMillis !== undefined) {
      // Our own timer, not AbortSignal.timeout: a signal nothing holds strongly can be collected
      // before it fires, and AbortSignal.any would pile listeners onto the long-lived close signal.
      const attempt = new AbortController();
      const timer = setTimeout(() => attempt.abort(new DOMException(`no answer within ${timeoutMillis} ms`, 'TimeoutError')), timeoutMillis);
      timer.unref(); // whatever the transport has open keeps the process alive while it is open
      const closed = (): void => attempt.abort(closing.reason);
      closing.addEventListener('abort', closed, { once: true });
      signal = attempt.signal;
      cleanup = () => {
        clearTimeout(timer);
        closing.removeEventListener('abort', closed);
      };
    }
    let result: SendOutcome | Promise<SendOutcome>;
    try {
      result = this.#transport.send(batch, signal);
    } catch (error) {
      result = { outcome: 'retry', reason: describeError(error, timeoutMillis), error };
    }
    if (isThenable(result)) {
      Promise.resolve(result).then(
        (outcome) => {
          cleanup?.();
          this.#outcome(batch, outcome);
        },
        (error: unknown) => {
          cleanup?.();
          this.#outcome(batch, { outcome: 'retry', reason: describeError(error, timeoutMillis), error });
        },
      );
    } else {
      cleanup?.();
      this.#outcome(batch, result);
    }
  }

  #outcome(batch: Batch, outcome: SendOutcome): void {
    if (batch.done) return;
    try {
      this.#inFlight -= batch.records.length;
      if (this.#abort.signal.aborted) return this.#finish(batch, 'expired');
      switch (outcome?.outcome) {
        case 'sent':
          this.#sent += batch.records.length;
          return this.#finish(batch, undefined);
        case 'split':
          return this.#split(batch, outcome.kind, outcome.message);
        case 'refused':
          this.#report(outcome.kind, outcome.message, outcome.error);
          return this.#finish(batch, outcome.as ?? 'rejected');
        case 'retry':
          return this.#retry(batch, outcome);
        default:
          throw new TypeError(`the transport answered ${String(outcome)}, not a SendOutcome`);
      }
    } catch (error) {
      // A bug of ours (or a transport's) must not become an unhandled rejection in the user's process.
      if (!batch.done) {
        this.#finish(batch, 'expired');
        this.#report(this.#kinds.bug, 'delivery failed unexpectedly; the batch was dropped and counted as expired', error);
      }
    }
  }

  /** Counts the batch once (as sent when `dropped` is undefined), frees its slot and pumps again. */
  #finish(batch: Batch, dropped: keyof DropCounts | undefined): void {
    batch.done = true;
    if (dropped !== undefined) this.#dropped[dropped] += batch.records.length;
    this.#encodedBytes -= batch.bytes;
    this.#running.delete(batch);
    this.#pump();
  }

  #retry(batch: Batch, outcome: Extract<SendOutcome, { outcome: 'retry' }>): void {
    const n = batch.records.length;
    const o = this.#o;
    batch.attempts++;
    const target = this.#transport.target;
    if (batch.attempts > o.maxRetries) {
      this.#finish(batch, 'expired');
      this.#report(this.#kinds.retriesExhausted, `${n} span(s) were dropped and counted as expired after ${batch.attempts} failed attempts to reach ${target}: ${outcome.reason}`, outcome.error);
      return;
    }
    this.#report(this.#kinds.sendFailed, `sending ${n} span(s) to ${target} failed (${outcome.reason}); retrying with backoff`, outcome.error);
    const backoff = Math.min(o.maxBackoffMillis, o.initialBackoffMillis * 2 ** (batch.attempts - 1));
    const wait = Math.max(outcome.afterMillis ?? 0, backoff * (1 - o.jitter * Math.random()));
    this.#backingOff += n;
    void sleep(wait, this.#abort.signal).then(() => {
      if (batch.done) return; // close() gave it up and counted it
      this.#backingOff -= n;
      if (this.#abort.signal.aborted) return this.#finish(batch, 'expired');
      this.#retried += n;
      this.#inFlight += n;
      this.#attempt(batch);
    });
  }

  /** The destination called the batch invalid: send each half on its own until the bad span(s) stand alone. */
  #split(batch: Batch, kind: DiagnosticKind, message: string): void {
    const records = batch.records;
    if (records.length === 1) {
      this.#report(kind, `${this.#transport.target} ${message}; only that span was dropped (counted as rejected)`);
      return this.#finish(batch, 'rejected');
    }
    const mid = records.length >> 1;
    const encode = this.#transport.encode;
    const halves = [records.slice(0, mid), records.slice(mid)].map((part): Batch => {
      const body = encode?.call(this.#transport, part);
      const bytes = body?.length ?? 0;
      this.#encodedBytes += bytes;
      return { records: part, body, bytes, attempts: 0, done: false };
    });
    this.#ready.unshift(...halves);
    this.#readySpans += records.length;
    // The halves are queued now: not a drop, only the parent batch's slot and bytes are freed.
    batch.done = true;
    this.#encodedBytes -= batch.bytes;
    this.#running.delete(batch);
    this.#pump();
  }

  /** Counts in spans: the single source of a tracer's delivery figures. */
  stats(): SinkStats {
    return {
      queued: this.#queued,
      inFlight: this.#inFlight,
      sent: this.#sent,
      retried: this.#retried,
      dropped: { ...this.#dropped },
      lastError: this.#lastError,
    };
  }

  /** Resolves true once nothing is queued or in flight, false when `timeoutMillis` passes first. */
  async drain(timeoutMillis: number): Promise<boolean> {
    this.#flushing++;
    this.#due = true;
    this.#pump();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      if (this.#queued + this.#inFlight === 0) return true;
      const idle = new Promise<true>((resolve) => this.#idle.push(() => resolve(true)));
      // Ref'd on purpose: a flush in progress keeps the process alive until it ends.
      const late = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMillis);
      });
      return await Promise.race([idle, late]);
    } finally {
      clearTimeout(timer);
      this.#flushing--;
    }
  }

  /** Runs the transport's own flush or close, reporting (never throwing) its failure. */
  async #finally(step: 'flush' | 'close', timeoutMillis: number): Promise<void> {
    const transport = this.#transport;
    try {
      if (step === 'flush') await transport.flush?.({ timeoutMillis });
      else await transport.close?.({ timeoutMillis });
    } catch (error) {
      this.#report('SINK_FLUSH_FAILED', `the sink failed while ${step === 'flush' ? 'flushing' : 'closing'}`, error);
    }
  }

  /** Resolves true when everything queued was delivered in time. */
  async flushWithin(timeoutMillis: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMillis;
    const complete = await this.drain(timeoutMillis);
    if (!complete) {
      this.#report(
        this.#kinds.flushTimeout,
        `flush(): ${this.#queued + this.#inFlight} span(s) were still undelivered after ${timeoutMillis} ms; they stay queued and keep being retried`,
      );
      return false;
    }
    await this.#finally('flush', Math.max(0, deadline - Date.now()));
    return true;
  }

  async flush(options?: FlushOptions): Promise<void> {
    await this.flushWithin(options?.timeoutMillis ?? DEFAULT_FLUSH_TIMEOUT_MILLIS);
  }

  /** Closes once; a second call waits for the first. Resolves true when nothing had to be dropped. */
  closeWithin(timeoutMillis: number): Promise<boolean> {
    return (this.#closing ??= this.#close(timeoutMillis));
  }

  async close(options?: FlushOptions): Promise<void> {
    await this.closeWithin(options?.timeoutMillis ?? DEFAULT_FLUSH_TIMEOUT_MILLIS);
  }

  /**
   * Gives up everything queued or in flight, counting it as expired, at once: attempts and backoffs
   * are aborted, and their spans counted here, once, even if a sink's write never settles. For
   * close() past its deadline, and for the process's `exit`. Returns how many spans it gave up.
   */
  abandon(): number {
    const before = this.#dropped.expired;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#dropped.expired += this.#records.length + this.#readySpans;
    this.#records = [];
    for (const b of this.#ready) this.#encodedBytes -= b.bytes;
    this.#ready = [];
    this.#readySpans = 0;
    // (A batch waiting out a backoff holds a slot too; its spans are in #backingOff.)
    for (const batch of this.#running) {
      batch.done = true;
      this.#dropped.expired += batch.records.length;
      this.#encodedBytes -= batch.bytes;
    }
    this.#running.clear();
    this.#inFlight = 0;
    this.#backingOff = 0;
    this.#abort.abort();
    this.#checkIdle();
    return this.#dropped.expired - before;
  }

  async #close(timeoutMillis: number): Promise<boolean> {
    this.#closed = true;
    const deadline = Date.now() + timeoutMillis;
    const complete = await this.drain(timeoutMillis);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!complete) {
      const given = this.abandon();
      this.#report(
        this.#kinds.closeTimeout,
        `close(): ${given} span(s) were still undelivered after ${timeoutMillis} ms; they were dropped and counted as expired`,
      );
    }
    await this.#finally('close', Math.max(0, deadline - Date.now()));
    return complete;
  }
}

/** The delivery of a plain `write(spans)` sink: no retries (a write that fails is counted as sinkFailed). */
export function writeTransport(sink: Sink): Transport {
  return {
    target: 'the sink',
    send(batch): SendOutcome | Promise<SendOutcome> {
      const refused = (error: unknown): SendOutcome => ({
        outcome: 'refused',
        as: 'sinkFailed',
        kind: 'SINK_WRITE_FAILED',
        message: `the sink failed to take ${batch.records.length} span(s); they were dropped and counted`,
        error,
      });
      let result: void | Promise<void>;
      try {
        // The array is the sink's from here on, as the Sink contract says.
        result = sink.write(batch.records as SpanRecord[]);
      } catch (error) {
        return refused(error);
      }
      if (!isThenable(result)) return SENT;
      return Promise.resolve(result).then(() => SENT, refused);
    },
    flush: sink.flush === undefined ? undefined : (options) => sink.flush!(options),
    close: sink.close === undefined ? (options) => sink.flush?.(options) : (options) => sink.close!(options),
  } as Transport;
}

const SENT: SendOutcome = { outcome: 'sent' };

/** Delivery of a plain sink handed to a tracer: small batches soon, held for the process, no retries. */
export function plainSinkDelivery(maxQueueSpans: number, maxBatchSpans: number): DeliveryOptions {
  return {
    maxQueueSpans,
    maxQueueBytes: Infinity,
    maxBatchSpans,
    maxBatchBytes: Infinity,
    // A few event-loop turns at most. Not once per turn: code that yields on every call would
    // then pay a batch, and an immediate, per span.
    flushIntervalMillis: 5,
    holdProcess: true,
    // A loop of awaits that never yields to the event loop must not grow the queue without bound.
    sendFullBatchAtOnce: true,
    maxInFlight: Number.MAX_SAFE_INTEGER,
    maxRetries: 0,
    initialBackoffMillis: 0,
    maxBackoffMillis: 0,
    jitter: 0,
    timeoutMillis: undefined,
    kinds: GENERIC_DELIVERY_KINDS,
  };
}
