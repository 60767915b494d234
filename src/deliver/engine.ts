import { GENERIC_DELIVERY_KINDS, type DeliveryKinds, type DiagnosticKind } from '../model/diagnostic-kinds.js';
import { Diagnostics } from '../model/diagnostics.js';
import { DEFAULT_FLUSH_TIMEOUT_MILLIS, noDrops, type DropCounts, type FlushOptions, type OutgoingBatch, type SendOutcome, type Sink, type SinkStats, type Transport } from '../model/sink.js';
import type { SpanRecord } from '../model/span-record.js';
import { Spool, type SpoolRecord, type SpoolSettings } from './spool.js';

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
  /** The option a user sets maxBatchBytes by, for messages. @default 'maxBatchBytes' */
  readonly batchBytesOption?: string;
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
  /** A disk spool for batches that cannot be sent now (or, `always`, for every batch); transports with `encode` only. */
  readonly spool?: SpoolSettings | undefined;
}

/**
 * One batch, from its packing to its outcome. It is what a transport's `send` gets as its
 * `OutgoingBatch` (its records are there for transports without the lean path).
 */
interface Batch {
  /** The spans, kept for transports that read them; undefined once encoded for a lean transport. */
  records: SpanRecord[] | undefined;
  /** Spans in the batch. */
  readonly count: number;
  readonly body: Uint8Array | undefined;
  readonly bytes: number;
  attempts: number;
  /** Counted as sent or dropped: later outcomes are ignored, so every span is counted once. */
  done: boolean;
  /** When the attempt in flight times out (`performance.now()` milliseconds); Infinity when none is. */
  deadline: number;
  /** Aborts the attempt in flight of a transport on the signal path (its AbortController). */
  cancel: ((reason: unknown) => void) | undefined;
  /** The lean transport's own handle on the attempt in flight (its request). */
  handle: unknown;
  /** Its record in the spool: it is on disk, so it is retried until delivered and never expires. */
  spool: SpoolRecord | undefined;
  /** Its body was read from the spool (the spool's buffer, not the encoder's). */
  fromDisk: boolean;
}

/** An attempt as a lean transport sees it: the batch's bytes and a slot for its own handle. */
export interface LeanAttempt {
  readonly body: Uint8Array | undefined;
  readonly count: number;
  readonly attempts: number;
  /** The transport's own (its request, to cut it off); the engine only clears it. */
  handle: unknown;
}

/** How a lean transport answers an attempt: once, synchronously or later (ignored after `cancel`'s answer). */
export type LeanAnswer = (attempt: LeanAttempt, outcome: SendOutcome) => void;

/**
 * The lean path, for the library's own transports: no AbortSignal, timer or promise per attempt.
 * The engine keeps one timer for the deadlines of every attempt in flight and cuts one off through
 * `cancel`; records are let go once the batch is encoded, so a bisect splits the bytes.
 */
export const LEAN = Symbol('deferred-span.lean');

export interface LeanPath {
  /** Starts one attempt of an encoded batch; answers it through `answer`, once. */
  start(attempt: LeanAttempt, answer: LeanAnswer): void;
  /** Cuts the attempt in flight off (its deadline passed, or close() gave up): it then answers with a failure carrying `reason`. */
  cancel(attempt: LeanAttempt, reason: Error): void;
  /** Two bodies of `count` spans' bytes split in halves (first, its span count, second), or undefined when the bytes cannot be split. */
  split(body: Uint8Array, count: number): [Uint8Array, number, Uint8Array] | undefined;
  /**
   * A body nothing will send again (its batch was sent, dropped or split; never one whose request
   * may still be writing it), for an encoder that lends its buffers to take back.
   */
  release?(body: Uint8Array): void;
}

/** A transport with the lean path (it must encode: the lean path sends bytes only). */
export interface LeanTransport extends Transport {
  readonly [LEAN]: LeanPath;
  encode(records: readonly SpanRecord[]): Uint8Array;
}

const newBatch = (records: SpanRecord[] | undefined, count: number, body: Uint8Array | undefined, bytes: number): Batch => ({
  records,
  count,
  body,
  bytes,
  attempts: 0,
  done: false,
  deadline: Infinity,
  cancel: undefined,
  handle: undefined,
  spool: undefined,
  fromDisk: false,
});

/** What a batch replayed from the spool shows a transport without the lean path: its bytes only. */
const NO_RECORDS: readonly SpanRecord[] = Object.freeze([]);

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
 *
 * Waiting records are kept in chunks of at most `maxBatchSpans`, so taking a batch moves no other
 * record. One timer watches the deadlines of every attempt in flight (`timeoutMillis`), armed only
 * while attempts are in flight; a transport with the lean path (`LEAN`, the library's own) gets no
 * AbortSignal, timer or promise per attempt and its batches keep no records once encoded.
 */
export class DeliveryEngine implements Sink {
  readonly #transport: Transport;
  readonly #lean: LeanPath | undefined;
  readonly #o: DeliveryOptions;
  readonly #kinds: DeliveryKinds;
  readonly diagnostics: Diagnostics;
  /** Aborts backoffs (and attempts on the signal path without a timeout) when `close()` runs out of time. */
  readonly #abort = new AbortController();

  /** The chunk being filled, not yet encoded. */
  #open: SpanRecord[] = [];
  /** Full chunks (or the rest of one a batch's byte bound cut), oldest first, not yet encoded. */
  #chunks: SpanRecord[][] = [];
  #chunkSpans = 0;
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
  /** Records that may still wait under the byte bound (Infinity without one), kept up to date as bytes come and go. */
  #byteRoom = Infinity;
  // Read on every add(): fields of their own, not loads through the options object.
  readonly #maxQueueSpans: number;
  readonly #maxBatchSpans: number;
  /** The one timer for the deadlines of attempts in flight; undefined while none is armed. */
  #watchdog: ReturnType<typeof setTimeout> | undefined = undefined;

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
  /** Producers waiting for the spans queued or in flight to come down to their limit. */
  #roomWaiters: Array<{ readonly limit: number; readonly resolve: () => void }> = [];

  /** The disk spool; undefined without one, or when it could not be opened (spans then stay in memory). */
  readonly #spool: Spool | undefined;
  /** How long a span may wait for its batch: with a write-ahead spool, at most half the fsync interval. */
  readonly #waitMillis: number;
  #spooled = 0;
  #replayed = 0;
  #spoolFull = 0;
  /** Spans of records in hand when the sink closed: on disk for the next run, still queued. */
  #kept = 0;
  /** The last attempt failed: batches without a slot go to the spool instead of waiting in memory. */
  #outage = false;
  /** Spans of spool records in a slot: bounded by maxInFlight, they are not held against the memory queue's bound. */
  #inHand = 0;
  /** Alternates the spool and the memory queue when both have a batch (overflow mode). */
  #diskTurn = false;

  constructor(transport: Transport, options: DeliveryOptions, diagnostics?: Diagnostics) {
    this.#transport = transport;
    const lean = (transport as Partial<LeanTransport>)[LEAN];
    this.#lean = lean !== undefined && transport.encode !== undefined ? lean : undefined;
    this.#o = options;
    this.#kinds = options.kinds;
    this.diagnostics = diagnostics ?? new Diagnostics();
    this.#bounded = transport.encode !== undefined && Number.isFinite(options.maxQueueBytes);
    this.#maxQueueSpans = options.maxQueueSpans;
    this.#maxBatchSpans = options.maxBatchSpans;
    this.#updateByteRoom();
    const spool = options.spool;
    this.#waitMillis = spool?.always === true ? Math.min(options.flushIntervalMillis, Math.max(1, Math.floor(spool.fsyncMillis / 2))) : options.flushIntervalMillis;
    // Opened now, synchronously: a write-ahead must come before the first batch is sent.
    this.#spool = spool === undefined || transport.encode === undefined ? undefined : this.#openSpool(spool);
    // An earlier run's records are sent without waiting for a span of this one.
    if (this.#spool?.hasUnread === true) setImmediate(this.#onPump);
  }

  /** Opens the spool's directory; undefined (reported once) when it cannot be used. */
  #openSpool(settings: SpoolSettings): Spool | undefined {
    return Spool.open(settings, {
      report: (kind, message, error) => this.#report(kind, message, error),
      evicted: (own, earlier) => {
        this.#spoolFull += own + earlier;
        this.#replayed += earlier;
      },
      lost: (own) => {
        this.#dropped.sinkFailed += own;
      },
    });
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

  /** Records waiting to be encoded. */
  get #waiting(): number {
    return this.#chunkSpans + this.#open.length;
  }

  get #queued(): number {
    return this.#waiting + this.#readySpans + this.#backingOff + (this.#spool?.ownUnreadSpans ?? 0) + this.#kept;
  }

  /** A spool that can take batches now. */
  get #spoolWritable(): Spool | undefined {
    const spool = this.#spool;
    return spool !== undefined && spool.writable ? spool : undefined;
  }

  #updateByteRoom(): void {
    // Spans not yet encoded count at the average size measured so far.
    if (this.#bounded) this.#byteRoom = Math.floor((this.#o.maxQueueBytes - this.#encodedBytes) / this.#bytesPerSpan);
  }

  /** Room for new spans under both bounds. */
  #room(): number {
    const waiting = this.#waiting;
    return Math.min(this.#maxQueueSpans - waiting - this.#readySpans - this.#backingOff - this.#inFlight + this.#inHand, this.#byteRoom - waiting);
  }

  /** Takes one finished span: the tracer's hand-off, a push and a bound check (the traced call path). */
  add(record: SpanRecord): void {
    if (this.#closed) return this.discard(1, this.#kinds.closed, 'a span was written after close(); it was dropped and counted as expired');
    const open = this.#open;
    // Both bounds from fields, without a call (the byte bound is Infinity where it does not apply).
    const waiting = this.#chunkSpans + open.length;
    if (waiting + this.#readySpans + this.#backingOff + this.#inFlight - this.#inHand >= this.#maxQueueSpans || waiting >= this.#byteRoom) {
      // Past the memory bound a spool takes the waiting spans, rather than dropping this one.
      if (this.#spool === undefined || this.#overflowRoom() < 1) return this.#full(1);
    }
    open.push(record);
    if (open.length >= this.#maxBatchSpans) this.#chunkFull();
    else if (this.#due) this.#batchReady();
    else if (this.#timer === undefined) this.#startTimer();
  }

  /** The open chunk is full: it waits with the others, and a batch is ready. */
  #chunkFull(): void {
    const open = this.#open;
    this.#chunks.push(open);
    this.#chunkSpans += open.length;
    this.#open = [];
    this.#batchReady();
  }

  /** Takes a batch of finished spans (the `Sink` contract); past the bound the rest are dropped and counted. */
  write(spans: SpanRecord[]): void {
    const n = spans.length;
    if (n === 0) return;
    if (this.#closed) return this.discard(n, this.#kinds.closed, `${n} span(s) were written after close(); they were dropped and counted as expired`);
    const max = this.#maxBatchSpans;
    let taken = 0;
    while (taken < n) {
      let room = Math.max(0, this.#room());
      // Past the memory bound a spool takes the waiting spans, rather than dropping these.
      if (room === 0 && this.#spool !== undefined) room = this.#overflowRoom();
      const take = Math.min(n - taken, room);
      if (take === 0) break;
      for (let i = 0; i < take; i++) {
        this.#open.push(spans[taken + i]!);
        if (this.#open.length >= max) this.#chunkFull();
      }
      taken += take;
    }
    if (taken < n) this.#full(n - taken);
    if (this.#due && this.#open.length > 0) this.#batchReady();
    else if (this.#timer === undefined && this.#open.length > 0) this.#startTimer();
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
    const timer = setTimeout(this.#onInterval, this.#waitMillis);
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

  /** The oldest waiting records, at most maxBatchSpans: a full chunk, or (when due) the open one. */
  #takeChunk(): SpanRecord[] | undefined {
    const chunk = this.#chunks.shift();
    if (chunk !== undefined) {
      this.#chunkSpans -= chunk.length;
      return chunk;
    }
    if (!this.#due || this.#open.length === 0) return undefined;
    const open = this.#open;
    this.#open = [];
    return open;
  }

  /** Records of a chunk a batch did not take go back first in line. */
  #putBack(chunk: SpanRecord[], from: number): void {
    if (from >= chunk.length) return;
    const rest = chunk.slice(from);
    this.#chunks.unshift(rest);
    this.#chunkSpans += rest.length;
  }

  /**
   * The next batch from the waiting spans, at most maxBatchSpans and maxBatchBytes; undefined when
   * nothing is ready, or the spans it looked at could not be sent at all. A span that cannot be
   * encoded (its JSON would pass V8's string limit, a record's getter throws) or that alone passes
   * maxBatchBytes is dropped here, counted as rejected and reported: it must not crash the timer or
   * block the queue.
   */
  #pack(): Batch | undefined {
    const chunk = this.#takeChunk();
    if (chunk === undefined) return undefined;
    const encode = this.#transport.encode;
    if (encode === undefined) return newBatch(chunk, chunk.length, undefined, 0);
    const { maxBatchBytes } = this.#o;
    let n = Math.min(chunk.length, Math.max(1, Math.floor(maxBatchBytes / this.#bytesPerSpan)));
    for (;;) {
      const part = n === chunk.length ? chunk : chunk.slice(0, n);
      let body: Uint8Array;
      try {
        body = encode.call(this.#transport, part);
      } catch (error) {
        if (n > 1) {
          // One span in the chunk is the likely cause: halve until it stands alone.
          n = n >> 1;
          continue;
        }
        this.#putBack(chunk, 1);
        return this.#tooLarge(chunk[0]!, 'could not be encoded', error);
      }
      const bytes = body.length;
      if (n === 1 && bytes > maxBatchBytes) {
        this.#putBack(chunk, 1);
        return this.#tooLarge(chunk[0]!, `encodes to ${bytes} bytes, more than ${this.#o.batchBytesOption ?? 'maxBatchBytes'} (${maxBatchBytes})`);
      }
      this.#bytesPerSpan = Math.max(1, Math.ceil(bytes / n));
      if (bytes <= maxBatchBytes) {
        this.#putBack(chunk, n);
        this.#encodedBytes += bytes;
        this.#updateByteRoom();
        // A lean transport sends bytes only: the records can go now.
        return newBatch(this.#lean === undefined ? part : undefined, n, body, bytes);
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

  /**
   * Starts batches while there are slots and something to send: split halves first, then the
   * spool's oldest records and the memory queue (in turns; with a write-ahead spool, disk first).
   * Without a slot, a write-ahead spool (or any spool while the destination fails) takes what is
   * ready to be packed, so memory holds only what is in flight.
   */
  #pump(): void {
    const spool = this.#spool;
    for (;;) {
      const packable = this.#chunks.length > 0 || (this.#due && this.#open.length > 0);
      if (this.#running.size >= this.#o.maxInFlight) {
        if (!packable || spool === undefined || !spool.writable || !(spool.always || this.#outage)) break;
        const batch = this.#pack();
        if (batch !== undefined && !this.#toSpool(batch, spool)) this.#holdReady(batch);
        continue;
      }
      let batch = this.#ready.shift();
      if (batch !== undefined) {
        this.#readySpans -= batch.count;
      } else {
        if (spool?.hasUnread === true && (!packable || spool.always || (this.#diskTurn = !this.#diskTurn))) batch = this.#fromSpool(spool);
        if (batch === undefined) {
          // (The spool's read() skips corrupt records itself: nothing is left unread here.)
          if (!packable) break;
          batch = this.#pack();
          if (batch === undefined || (spool?.always === true && !this.#writeAhead(spool, batch))) continue;
        }
      }
      this.#running.add(batch);
      this.#inFlight += batch.count;
      if (batch.spool !== undefined) this.#inHand += batch.count;
      this.#attempt(batch);
    }
    if (this.#waiting === 0) this.#due = this.#flushing > 0;
    else if (!this.#due && this.#timer === undefined) this.#startTimer();
    this.#checkIdle();
  }

  /** A packed batch that has no slot and could not go to disk waits first in line. */
  #holdReady(batch: Batch): void {
    this.#ready.push(batch);
    this.#readySpans += batch.count;
  }

  /** The spool's oldest unread record as a batch (an earlier run's counts as replayed). */
  #fromSpool(spool: Spool): Batch | undefined {
    const read = spool.read();
    if (read === undefined) return undefined;
    if (!read.own) this.#replayed += read.count;
    // Its bytes are not held against maxQueueBytes either (bytes 0): at most maxInFlight such batches are in memory.
    const batch = newBatch(undefined, read.count, read.body, 0);
    batch.spool = read.record;
    batch.fromDisk = true;
    return batch;
  }

  /**
   * Write-ahead: the batch goes to disk before it is sent. True: send it now (it is in hand, or the
   * spool failed and it goes as without one); false: it left memory (unread behind older records,
   * or dropped as spoolFull).
   */
  #writeAhead(spool: Spool, batch: Batch): boolean {
    const result = spool.append(batch.body!, batch.count, true);
    if (result === 'failed') return true;
    if (typeof result === 'object') {
      batch.spool = result;
      this.#spooled += batch.count;
      return true;
    }
    this.#leaveMemory(batch, result, true);
    return false;
  }

  /**
   * Puts a batch on disk only, to be read back later: true when it left memory (spooled, or dropped
   * as spoolFull), false when the spool failed and it must stay. `giveBack`: its body may go back to
   * the encoder (no request may still be writing it).
   */
  #toSpool(batch: Batch, spool: Spool, giveBack = true): boolean {
    const result = batch.body === undefined ? 'failed' : spool.append(batch.body, batch.count, false);
    if (typeof result === 'object' || result === 'failed') return false;
    this.#leaveMemory(batch, result, giveBack);
    return true;
  }

  #leaveMemory(batch: Batch, result: 'unread' | 'full', giveBack: boolean): void {
    if (result === 'full') this.#spoolFull += batch.count;
    else this.#spooled += batch.count;
    batch.done = true;
    this.#release(batch, giveBack);
  }

  /**
   * Room past the memory bound, with a spool: spans may wait until they make a full batch, which is
   * then spilled to disk (so memory holds at most one batch over the bound, and disk gets whole batches).
   */
  #overflowRoom(): number {
    if (this.#spoolWritable === undefined) return 0;
    if (this.#waiting >= this.#maxBatchSpans && !this.#spill()) return 0;
    return Math.max(this.#room(), this.#maxBatchSpans - this.#waiting);
  }

  /**
   * Spills the waiting spans to the spool, the memory queue being at its bound. False when the
   * spool cannot take them (they stay).
   */
  #spill(): boolean {
    const spool = this.#spoolWritable;
    if (spool === undefined) return false;
    const due = this.#due;
    this.#due = true;
    let spilled = false;
    while (this.#waiting > 0) {
      const batch = this.#pack();
      if (batch === undefined) continue;
      if (!this.#toSpool(batch, spool)) {
        this.#holdReady(batch);
        break;
      }
      spilled = true;
    }
    this.#due = due;
    return spilled;
  }

  /** Nothing queued, in flight or unread on disk. */
  get #idleNow(): boolean {
    return this.#queued + this.#inFlight === 0 && this.#spool?.hasUnread !== true;
  }

  #checkIdle(): void {
    if (this.#roomWaiters.length > 0) {
      const pending = this.#queued + this.#inFlight;
      this.#roomWaiters = this.#roomWaiters.filter((w) => (pending <= w.limit || this.#closed ? (w.resolve(), false) : true));
    }
    if (this.#idle.length === 0 || !this.#idleNow) return;
    const waiters = this.#idle;
    this.#idle = [];
    for (const resolve of waiters) resolve();
  }

  /** One send; its batch's spans are counted in flight from here until its outcome. */
  #attempt(batch: Batch): void {
    const timeoutMillis = this.#o.timeoutMillis;
    if (timeoutMillis !== undefined) {
      batch.deadline = performance.now() + timeoutMillis;
      if (this.#watchdog === undefined) this.#arm(timeoutMillis);
    }
    const lean = this.#lean;
    if (lean !== undefined) {
      try {
        lean.start(batch, this.#answer);
      } catch (error) {
        this.#answer(batch, { outcome: 'retry', reason: describeError(error, timeoutMillis), error });
      }
      return;
    }
    let signal = this.#abort.signal;
    if (timeoutMillis !== undefined) {
      // A signal of its own, aborted by the watchdog or by close(); no timer or listener of its own.
      const attempt = new AbortController();
      batch.cancel = (reason) => attempt.abort(reason);
      signal = attempt.signal;
    }
    let result: SendOutcome | Promise<SendOutcome>;
    // A batch replayed from the spool has its bytes only.
    const outgoing = (batch.records === undefined ? { records: NO_RECORDS, body: batch.body, attempts: batch.attempts } : batch) as OutgoingBatch;
    try {
      result = this.#transport.send(outgoing, signal);
    } catch (error) {
      result = { outcome: 'retry', reason: describeError(error, timeoutMillis), error };
    }
    if (isThenable(result)) {
      Promise.resolve(result).then(
        (outcome) => this.#answer(batch, outcome),
        (error: unknown) => this.#answer(batch, { outcome: 'retry', reason: describeError(error, timeoutMillis), error }),
      );
    } else {
      this.#answer(batch, result);
    }
  }

  /** An attempt's answer: the attempt is over, its batch goes on to its outcome. */
  readonly #answer = (attempt: LeanAttempt, outcome: SendOutcome): void => {
    const batch = attempt as Batch;
    batch.deadline = Infinity;
    batch.cancel = undefined;
    batch.handle = undefined;
    this.#outcome(batch, outcome);
  };

  #arm(ms: number): void {
    const timer = setTimeout(this.#onWatchdog, ms);
    timer.unref(); // whatever the transport has open keeps the process alive while it is open
    this.#watchdog = timer;
  }

  /** Cuts off every attempt past its deadline and sleeps until the next one's. */
  readonly #onWatchdog = (): void => {
    this.#watchdog = undefined;
    const now = performance.now();
    let next = Infinity;
    for (const batch of this.#running) {
      const deadline = batch.deadline;
      if (deadline === Infinity) continue;
      if (deadline <= now) {
        batch.deadline = Infinity;
        this.#cut(batch, new DOMException(`no answer within ${this.#o.timeoutMillis} ms`, 'TimeoutError'));
      } else if (deadline < next) {
        next = deadline;
      }
    }
    if (next !== Infinity) this.#arm(Math.max(1, Math.ceil(next - now)));
  };

  /** Aborts a batch's attempt in flight with `reason`. */
  #cut(batch: Batch, reason: Error): void {
    try {
      if (this.#lean !== undefined) {
        if (batch.handle !== undefined) this.#lean.cancel(batch, reason);
      } else {
        batch.cancel?.(reason);
      }
    } catch (error) {
      this.#report(this.#kinds.bug, 'aborting a send failed unexpectedly', error);
    }
  }

  #outcome(batch: Batch, outcome: SendOutcome): void {
    if (batch.done) return;
    try {
      this.#inFlight -= batch.count;
      if (this.#abort.signal.aborted) return this.#finish(batch, 'expired');
      switch (outcome?.outcome) {
        case 'sent':
          this.#sent += batch.count;
          this.#outage = false;
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
  #finish(batch: Batch, dropped: Exclude<keyof DropCounts, 'spoolFull'> | undefined): void {
    batch.done = true;
    if (dropped !== undefined) this.#dropped[dropped] += batch.count;
    if (batch.spool !== undefined) this.#spool?.done(batch.spool);
    this.#release(batch);
    this.#pump();
  }

  /** Frees a batch's slot and bytes; its body goes back to the transport (unless the spool's, or a request may still write it). */
  #release(batch: Batch, giveBack = true): void {
    if (batch.body !== undefined && giveBack && !batch.fromDisk) this.#lean?.release?.(batch.body);
    this.#encodedBytes -= batch.bytes;
    this.#updateByteRoom();
    if (this.#running.delete(batch) && batch.spool !== undefined) this.#inHand -= batch.count;
  }

  #retry(batch: Batch, outcome: Extract<SendOutcome, { outcome: 'retry' }>): void {
    const n = batch.count;
    const o = this.#o;
    batch.attempts++;
    this.#outage = true;
    const target = this.#transport.target;
    if (batch.spool === undefined) {
      // It cannot be sent now: a spool takes it out of memory, to be replayed oldest first.
      const spool = this.#spoolWritable;
      if (spool !== undefined && this.#toSpool(batch, spool)) {
        this.#report(this.#kinds.sendFailed, `sending ${n} span(s) to ${target} failed (${outcome.reason}); they went to the spool and will be sent from there`, outcome.error);
        this.#pump();
        return;
      }
      if (batch.attempts > o.maxRetries) {
        this.#finish(batch, 'expired');
        this.#report(this.#kinds.retriesExhausted, `${n} span(s) were dropped and counted as expired after ${batch.attempts} failed attempts to reach ${target}: ${outcome.reason}`, outcome.error);
        return;
      }
    }
    // A batch on disk never expires: it is retried until delivered, or left there for the next run at close.
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
    const n = batch.count;
    if (n === 1) {
      this.#report(kind, `${this.#transport.target} ${message}; only that span was dropped (counted as rejected)`);
      return this.#finish(batch, 'rejected');
    }
    let halves: Batch[];
    const records = batch.records;
    const lean = this.#lean;
    if (records !== undefined) {
      const mid = n >> 1;
      const encode = this.#transport.encode;
      halves = [records.slice(0, mid), records.slice(mid)].map((part): Batch => {
        const body = encode?.call(this.#transport, part);
        return newBatch(part, part.length, body, body?.length ?? 0);
      });
    } else {
      // A lean batch keeps only its bytes: they are split where a span ends.
      const parts = batch.body === undefined || lean === undefined ? undefined : lean.split(batch.body, n);
      if (parts === undefined) {
        this.#report(kind, `${this.#transport.target} ${message}; the batch could not be split to find the span, so its ${n} span(s) were dropped (counted as rejected)`);
        return this.#finish(batch, 'rejected');
      }
      const [first, firstCount, second] = parts;
      halves = [newBatch(undefined, firstCount, first, first.length), newBatch(undefined, n - firstCount, second, second.length)];
    }
    for (const half of halves) {
      this.#encodedBytes += half.bytes;
      // Both halves stand for the batch's record on disk: it is done when both are.
      half.spool = batch.spool;
      half.fromDisk = batch.fromDisk;
    }
    if (batch.spool !== undefined) this.#spool?.split(batch.spool);
    this.#ready.unshift(...halves);
    this.#readySpans += n;
    // The halves are queued now: not a drop, only the parent batch's slot and bytes are freed.
    batch.done = true;
    this.#release(batch);
    this.#pump();
  }

  /** Counts in spans: the single source of a tracer's delivery figures. */
  stats(): SinkStats {
    const stats: SinkStats = {
      queued: this.#queued,
      inFlight: this.#inFlight,
      sent: this.#sent,
      retried: this.#retried,
      dropped: { ...this.#dropped },
      lastError: this.#lastError,
    };
    // Asked for, even when it could not be opened: the counts say so.
    if (this.#o.spool !== undefined) {
      stats.dropped.spoolFull = this.#spoolFull;
      stats.spooled = this.#spooled;
      stats.replayed = this.#replayed;
    }
    return stats;
  }

  /**
   * Resolves once at most `limit` spans are queued or in flight (at once when that is so already,
   * or the sink is closed): a producer of many spans, like `deferred-span send`, waits on it so the
   * queue never has to drop. It waits for delivery; spans that cannot be delivered are dropped by
   * the usual retries and deadlines, and that ends the wait too.
   * @example for (const chunk of chunks) { await sink.whenPendingAtMost(20_000 - chunk.length); sink.write(chunk); }
   */
  whenPendingAtMost(limit: number): Promise<void> {
    if (this.#queued + this.#inFlight <= limit || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#roomWaiters.push({ limit, resolve }));
  }

  /** Resolves true once nothing is queued or in flight, false when `timeoutMillis` passes first. */
  async drain(timeoutMillis: number): Promise<boolean> {
    this.#flushing++;
    this.#due = true;
    this.#pump();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      if (this.#idleNow) return true;
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
    // What is on disk is made durable now, delivered or not.
    this.#spool?.sync();
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
    const before = this.#dropped.expired + this.#spoolFull;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    clearTimeout(this.#watchdog);
    this.#watchdog = undefined;
    const spool = this.#spool;
    if (spool !== undefined) this.#keepOnDisk(spool);
    this.#dropped.expired += this.#waiting + this.#readySpans;
    this.#open = [];
    this.#chunks = [];
    this.#chunkSpans = 0;
    for (const b of this.#ready) this.#encodedBytes -= b.bytes;
    this.#ready = [];
    this.#readySpans = 0;
    // (A batch waiting out a backoff holds a slot too; its spans are in #backingOff.)
    const running = [...this.#running];
    for (const batch of running) {
      batch.done = true;
      // A record in hand stays on disk for the next run: still queued, not lost.
      if (batch.spool !== undefined && spool?.onDisk(batch.spool) === true) this.#kept += batch.count;
      else this.#dropped.expired += batch.count;
      this.#encodedBytes -= batch.bytes;
    }
    this.#running.clear();
    this.#inHand = 0;
    this.#inFlight = 0;
    this.#backingOff = 0;
    this.#abort.abort();
    // Attempts in flight are cut off too: their answers are ignored (the batches are done).
    const reason = this.#abort.signal.reason as Error;
    for (const batch of running) this.#cut(batch, reason);
    this.#updateByteRoom();
    spool?.sync();
    this.#checkIdle();
    return this.#dropped.expired + this.#spoolFull - before;
  }

  /**
   * Before everything is given up: what is only in memory is appended to the spool (synchronously:
   * this may be the process's `exit`), and records in hand stay where they are, on disk.
   */
  #keepOnDisk(spool: Spool): void {
    const ready = this.#ready;
    this.#ready = [];
    for (const batch of ready) {
      this.#readySpans -= batch.count;
      if (batch.spool !== undefined && spool.onDisk(batch.spool)) {
        batch.done = true;
        this.#kept += batch.count;
        this.#encodedBytes -= batch.bytes;
      } else if (!spool.writable || !this.#toSpool(batch, spool)) {
        this.#holdReady(batch);
      }
    }
    for (const batch of [...this.#running]) {
      // A request may still be writing its body: it is not given back to the encoder. (If that
      // request is delivered after all, the next run sends these spans again: a duplicate, never a loss.)
      if ((batch.spool === undefined || !spool.onDisk(batch.spool)) && spool.writable) this.#toSpool(batch, spool, false);
    }
    this.#due = true;
    while (this.#waiting > 0 && spool.writable) {
      const batch = this.#pack();
      if (batch !== undefined && !this.#toSpool(batch, spool)) {
        this.#holdReady(batch);
        break;
      }
    }
  }

  async #close(timeoutMillis: number): Promise<boolean> {
    this.#closed = true;
    const deadline = Date.now() + timeoutMillis;
    const complete = await this.drain(timeoutMillis);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!complete) {
      const given = this.abandon();
      const kept = this.#queued;
      this.#report(
        this.#kinds.closeTimeout,
        kept === 0
          ? `close(): ${given} span(s) were still undelivered after ${timeoutMillis} ms; they were dropped and counted as expired`
          : `close(): ${given + kept} span(s) were still undelivered after ${timeoutMillis} ms; ${kept} stay in the spool for the next sink on its dir, ${given} were dropped and counted as expired`,
      );
    }
    await this.#finally('close', Math.max(0, deadline - Date.now()));
    this.#spool?.close();
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
