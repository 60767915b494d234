import pLimit, { type LimitFunction } from 'p-limit';
import { Diagnostics } from '../diagnostics.js';
import { encodeSpansBytes } from '../encode-bytes.js';
import type { FlushOptions, Sink, SinkStats } from '../sink.js';
import type { SpanRecord } from '../span.js';
import { resolveZipkinHttpSinkOptions, type ResolvedZipkinHttpSinkOptions, type ZipkinHttpSinkOptions } from './zipkin-http-options.js';
import { MAX_ERROR_BODY, nodeTransport, type PostResult, type Transport } from './zipkin-http-transport.js';

/** A sink that POSTs spans to Zipkin's v2 HTTP API. */
export interface ZipkinHttpSink extends Sink {
  /** Where spans are sent: origin and path only (no query string, no credentials). */
  readonly url: string;
  flush(options?: FlushOptions): Promise<void>;
  close(options?: FlushOptions): Promise<void>;
  stats(): SinkStats;
}

/** Spans encoded for one POST. */
interface Batch {
  readonly records: SpanRecord[];
  readonly body: Uint8Array;
  readonly bytes: number;
  /** Failed attempts so far. */
  attempts: number;
}

/** Default wait of `flush()` and `close()`. */
const DEFAULT_FLUSH_MILLIS = 10_000;
/** A first guess of encoded bytes per span, replaced by measurements. */
const FIRST_BYTES_PER_SPAN = 400;
/** Header values shorter than this are not searched for in messages: they would garble them. */
const MIN_SECRET_LENGTH = 4;
/** Words of a header value this long are redacted on their own too ("Bearer" is 6). */
const MIN_SECRET_WORD_LENGTH = 8;

/** Statuses that mean "something in this batch is invalid": split it to find what. */
const SPLIT_STATUSES: ReadonlySet<number> = new Set([400, 413, 422]);
/** Statuses that no retry will fix, whatever the batch holds (auth, wrong URL). */
const REFUSED_STATUSES: ReadonlySet<number> = new Set([401, 403, 404, 405, 410, 415]);

/** Milliseconds from a `Retry-After` value (seconds or an HTTP date), or undefined. */
function retryAfterMillis(value: string | null): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
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

class ZipkinHttpSinkImpl implements ZipkinHttpSink {
  readonly url: string;
  readonly #o: ResolvedZipkinHttpSinkOptions;
  readonly #transport: Transport;
  readonly #limit: LimitFunction;
  readonly #diagnostics: Diagnostics;
  readonly #secrets: string[];
  /** Aborts requests and backoffs when `close()` runs out of time. */
  readonly #abort = new AbortController();

  /** Written, not yet encoded. */
  #records: SpanRecord[] = [];
  /** Encoded, waiting for a request slot. */
  #ready: Batch[] = [];
  #readySpans = 0;
  /** Spans of batches waiting out a backoff. */
  #backingOff = 0;
  /** Bytes of every encoded batch not yet settled. */
  #encodedBytes = 0;
  #bytesPerSpan = FIRST_BYTES_PER_SPAN;
  #inFlight = 0;
  /** Batches handed to p-limit and not finished. */
  #running = 0;
  #sent = 0;
  #retried = 0;
  #queueFull = 0;
  #rejected = 0;
  #expired = 0;
  #lastError: string | undefined = undefined;

  /** Send partial batches now: the interval passed, or a flush is waiting. */
  #due = false;
  #flushing = 0;
  #closed = false;
  #closing: Promise<void> | undefined = undefined;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #pumpScheduled = false;
  #idle: Array<() => void> = [];

  constructor(o: ResolvedZipkinHttpSinkOptions) {
    this.#o = o;
    this.url = o.url.origin + o.url.pathname;
    this.#transport = nodeTransport(o.url, o.headers, o.ca, o.maxInFlight);
    this.#limit = pLimit(o.maxInFlight);
    this.#diagnostics = new Diagnostics(o.onError, o.warnings);
    // Each value, and each long word of it: a collector may echo the token without its "Bearer ".
    const words = Object.values(o.headers).flatMap((v) => v.split(/[\s,]+/).filter((w) => w.length >= MIN_SECRET_WORD_LENGTH));
    this.#secrets = [...Object.values(o.headers), ...words].filter((v) => v.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  }

  /** Keeps header values (credentials) out of every message we make. */
  #redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.split(secret).join('[redacted]');
    return out;
  }

  /** A collector's answer, cut at MAX_ERROR_BODY: a secret echoed across the cut would leave its start behind. */
  #redactBody(text: string): string {
    let out = this.#redact(text);
    for (const secret of this.#secrets) {
      for (let k = Math.min(secret.length - 1, out.length); k >= MIN_SECRET_LENGTH; k--) {
        if (out.endsWith(secret.slice(0, k))) {
          out = out.slice(0, out.length - k) + '[redacted]';
          break;
        }
      }
    }
    return out;
  }

  #report(kind: string, message: string, error?: unknown): void {
    const text = this.#redact(message);
    this.#lastError = text;
    this.#diagnostics.report(kind, text, this.#redactError(error));
  }

  /** The error as is, unless its text holds a header value (an HTTP client may quote an invalid one). */
  #redactError(error: unknown): unknown {
    if (!(error instanceof Error) || this.#secrets.length === 0) return error;
    const cause = (error as { cause?: unknown }).cause;
    const text = `${error.message} ${cause instanceof Error ? cause.message : ''}`;
    if (this.#redact(text) === text) return error;
    const clean = new Error(this.#redact(error.message));
    clean.name = error.name;
    return clean;
  }

  get #queued(): number {
    return this.#records.length + this.#readySpans + this.#backingOff;
  }

  write(spans: SpanRecord[]): void {
    const n = spans.length;
    if (n === 0) return;
    if (this.#closed) {
      this.#expired += n;
      this.#report('ZIPKIN_SINK_CLOSED', `${n} span(s) were written after close(); they were dropped and counted as expired`);
      return;
    }
    // The byte bound counts spans not yet encoded at the average size measured so far.
    const bySpans = this.#o.maxQueueSpans - this.#queued;
    const byBytes = Math.floor((this.#o.maxQueueBytes - this.#encodedBytes) / this.#bytesPerSpan) - this.#records.length;
    const room = Math.max(0, Math.min(bySpans, byBytes));
    const take = n <= room ? n : room;
    const records = this.#records;
    for (let i = 0; i < take; i++) records.push(spans[i]!);
    if (take < n) {
      this.#queueFull += n - take;
      this.#report(
        'ZIPKIN_QUEUE_FULL',
        `the Zipkin sink's queue is full (${this.#o.maxQueueSpans} spans or ${this.#o.maxQueueBytes} bytes); new spans are dropped and counted until ${this.url} catches up. Raise maxQueueSpans/maxQueueBytes or maxInFlight`,
      );
    }
    if (this.#flushing > 0) this.#due = true;
    if (records.length >= this.#o.maxBatchSpans || this.#due) this.#schedulePump();
    else if (this.#timer === undefined && records.length > 0) {
      this.#timer = setTimeout(this.#onInterval, this.#o.flushIntervalMillis);
      this.#timer.unref();
    }
  }

  readonly #onInterval = (): void => {
    this.#timer = undefined;
    this.#due = true;
    this.#pump();
  };

  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    setImmediate(this.#onPump);
  }

  readonly #onPump = (): void => {
    this.#pumpScheduled = false;
    this.#pump();
  };

  /** Encodes the next batch from the written spans, at most maxBatchSpans and maxBatchBytes. */
  #pack(): Batch {
    const records = this.#records;
    const { maxBatchSpans, maxBatchBytes } = this.#o;
    let n = Math.min(records.length, maxBatchSpans, Math.max(1, Math.floor(maxBatchBytes / this.#bytesPerSpan)));
    for (;;) {
      const chunk = records.slice(0, n);
      const body = encodeSpansBytes(chunk);
      const bytes = body.length;
      this.#bytesPerSpan = Math.max(1, Math.ceil(bytes / n));
      if (bytes <= maxBatchBytes || n === 1) {
        records.splice(0, n);
        this.#encodedBytes += bytes;
        return { records: chunk, body, bytes, attempts: 0 };
      }
      n = Math.max(1, Math.floor((n * maxBatchBytes) / bytes));
    }
  }

  /** Starts requests while there are slots and something to send. */
  #pump(): void {
    while (this.#running < this.#o.maxInFlight) {
      let batch = this.#ready.shift();
      if (batch !== undefined) {
        this.#readySpans -= batch.records.length;
      } else {
        const waiting = this.#records.length;
        if (waiting === 0 || (waiting < this.#o.maxBatchSpans && !this.#due)) break;
        batch = this.#pack();
      }
      // Counted as in flight from the hand-off on: p-limit starts the task a tick later.
      this.#inFlight += batch.records.length;
      this.#running++;
      void this.#limit(this.#run, batch);
    }
    if (this.#records.length === 0) this.#due = this.#flushing > 0;
    else if (!this.#due && this.#timer === undefined) {
      this.#timer = setTimeout(this.#onInterval, this.#o.flushIntervalMillis);
      this.#timer.unref();
    }
    this.#checkIdle();
  }

  #checkIdle(): void {
    if (this.#idle.length === 0 || this.#queued + this.#inFlight > 0) return;
    const waiters = this.#idle;
    this.#idle = [];
    for (const resolve of waiters) resolve();
  }

  readonly #run = async (batch: Batch): Promise<void> => {
    try {
      await this.#deliver(batch);
    } catch (error) {
      // A bug of ours must not become an unhandled rejection in the user's process.
      this.#settle(batch);
      this.#expired += batch.records.length;
      this.#report('ZIPKIN_SINK_BUG', 'the Zipkin sink failed unexpectedly; the batch was dropped and counted as expired', error);
    } finally {
      // Our own count: p-limit still counts this task as active until it returns, and the
      // batch started here waits in p-limit's queue for that moment.
      this.#running--;
      this.#pump();
    }
  };

  #settle(batch: Batch): void {
    this.#encodedBytes -= batch.bytes;
  }

  #describe(error: unknown): string {
    if (error instanceof Error) {
      if (error.name === 'TimeoutError') return `no answer within ${this.#o.timeoutMillis} ms (timeoutMillis)`;
      const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
      const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : '';
      return detail === '' ? error.message : `${error.message}: ${detail}`;
    }
    return String(error);
  }

  async #deliver(batch: Batch): Promise<void> {
    const n = batch.records.length;
    const o = this.#o;
    const closing = this.#abort.signal;
    // On entry, and before every retry, the batch's spans are counted in #inFlight.
    for (;;) {
      if (closing.aborted) {
        this.#inFlight -= n;
        return this.#expire(batch);
      }
      let result: PostResult | undefined;
      let failure: string | undefined;
      let cause: unknown;
      // Our own timer, not AbortSignal.timeout: a signal nothing holds strongly can be collected
      // before it fires, and AbortSignal.any would pile listeners onto the long-lived close signal.
      const attempt = new AbortController();
      const timedOut = (): void => attempt.abort(new DOMException(`no answer within ${o.timeoutMillis} ms`, 'TimeoutError'));
      const closed = (): void => attempt.abort(closing.reason);
      const timer = setTimeout(timedOut, o.timeoutMillis);
      timer.unref(); // the request's socket keeps the process alive while it is open
      closing.addEventListener('abort', closed, { once: true });
      try {
        result = await this.#transport.post(batch.body, attempt.signal);
      } catch (error) {
        failure = this.#describe(error);
        cause = error;
      } finally {
        clearTimeout(timer);
        closing.removeEventListener('abort', closed);
        this.#inFlight -= n;
      }
      if (closing.aborted) return this.#expire(batch);

      let delay: number | undefined;
      if (result !== undefined) {
        const status = result.status;
        if (status >= 200 && status < 300) {
          this.#settle(batch);
          this.#sent += n;
          return;
        }
        const said = this.#redactBody(result.text.trim().replace(/\s+/g, ' '));
        if (status >= 300 && status < 400) {
          // Not followed: a redirect would re-send every batch twice, and the auth headers to
          // wherever it points. The fix is a url that needs none.
          const to = result.location === null ? '' : ` to ${this.#redactBody(result.location.slice(0, MAX_ERROR_BODY))}`;
          return this.#refused(batch, 'ZIPKIN_REDIRECTED', `answered HTTP ${status}, a redirect${to}; redirects are not followed, so`, 'Set url to the address the collector redirects to');
        }
        if (SPLIT_STATUSES.has(status)) return this.#split(batch, status, said);
        if (REFUSED_STATUSES.has(status)) {
          return this.#refused(batch, 'ZIPKIN_REFUSED', `answered HTTP ${status}${said === '' ? '' : ` (${said})`};`, 'Check the url and the auth headers');
        }
        failure = `HTTP ${status}${said === '' ? '' : ` (${said})`}`;
        if (status === 429) delay = retryAfterMillis(result.retryAfter);
      }

      batch.attempts++;
      if (batch.attempts > o.maxRetries) {
        this.#settle(batch);
        this.#expired += n;
        this.#report('ZIPKIN_RETRIES_EXHAUSTED', `${n} span(s) were dropped and counted as expired after ${batch.attempts} failed attempts to reach ${this.url}: ${failure}`, cause);
        return;
      }
      this.#report('ZIPKIN_SEND_FAILED', `sending ${n} span(s) to ${this.url} failed (${failure}); retrying with backoff`, cause);
      const backoff = Math.min(o.maxBackoffMillis, o.initialBackoffMillis * 2 ** (batch.attempts - 1));
      const wait = Math.max(delay ?? 0, backoff * (1 - o.jitter * Math.random()));
      this.#backingOff += n;
      try {
        await sleep(wait, closing);
      } finally {
        this.#backingOff -= n;
      }
      if (closing.aborted) return this.#expire(batch);
      this.#retried += n;
      this.#inFlight += n;
    }
  }

  /** Drops a batch no retry can deliver, counted as rejected, saying what the collector did and the fix. */
  #refused(batch: Batch, kind: string, answered: string, fix: string): void {
    const n = batch.records.length;
    this.#settle(batch);
    this.#rejected += n;
    this.#report(kind, `${this.url} ${answered} ${n} span(s) were dropped and counted as rejected. ${fix}`);
  }

  #expire(batch: Batch): void {
    this.#settle(batch);
    this.#expired += batch.records.length;
  }

  /** The collector rejected the batch: send each half on its own until the bad span(s) stand alone. */
  #split(batch: Batch, status: number, said: string): void {
    this.#settle(batch);
    const records = batch.records;
    if (records.length === 1) {
      this.#rejected += 1;
      this.#report(
        'ZIPKIN_REJECTED',
        `${this.url} rejected a span with HTTP ${status}${said === '' ? '' : `: ${said}`}; only that span was dropped (counted as rejected)`,
      );
      return;
    }
    const mid = records.length >> 1;
    const halves = [records.slice(0, mid), records.slice(mid)].map((part): Batch => {
      const body = encodeSpansBytes(part);
      const bytes = body.length;
      this.#encodedBytes += bytes;
      return { records: part, body, bytes, attempts: 0 };
    });
    this.#ready.unshift(...halves);
    this.#readySpans += records.length;
  }

  stats(): SinkStats {
    return {
      queued: this.#queued,
      inFlight: this.#inFlight,
      sent: this.#sent,
      retried: this.#retried,
      dropped: { queueFull: this.#queueFull, rejected: this.#rejected, expired: this.#expired, sinkFailed: 0 },
      lastError: this.#lastError,
    };
  }

  /** Resolves true once nothing is queued or in flight, false when `timeoutMillis` passes first. */
  async #drain(timeoutMillis: number): Promise<boolean> {
    this.#flushing++;
    this.#due = true;
    this.#pump();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      if (this.#queued + this.#inFlight === 0) return true;
      const idle = new Promise<true>((resolve) => this.#idle.push(() => resolve(true)));
      // This timer is ref'd on purpose: a flush in progress keeps the process alive until it ends.
      const late = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMillis);
      });
      return await Promise.race([idle, late]);
    } finally {
      clearTimeout(timer);
      this.#flushing--;
    }
  }

  async flush(options?: FlushOptions): Promise<void> {
    const timeout = options?.timeoutMillis ?? DEFAULT_FLUSH_MILLIS;
    if (await this.#drain(timeout)) return;
    this.#report(
      'ZIPKIN_FLUSH_TIMEOUT',
      `flush(): ${this.#queued + this.#inFlight} span(s) were still undelivered after ${timeout} ms; they stay queued and keep being retried`,
    );
  }

  close(options?: FlushOptions): Promise<void> {
    // A second call waits for the first one to settle.
    return (this.#closing ??= this.#close(options));
  }

  async #close(options?: FlushOptions): Promise<void> {
    this.#closed = true;
    const timeout = options?.timeoutMillis ?? DEFAULT_FLUSH_MILLIS;
    const complete = await this.#drain(timeout);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!complete) {
      const before = this.#expired;
      const left = this.#records.length + this.#readySpans;
      this.#expired += left;
      this.#records = [];
      for (const b of this.#ready) this.#settle(b);
      this.#ready = [];
      this.#readySpans = 0;
      // Requests and backoffs end at once and count their spans as expired.
      const settled = new Promise<void>((resolve) => this.#idle.push(resolve));
      this.#abort.abort();
      this.#checkIdle();
      await settled;
      this.#report(
        'ZIPKIN_CLOSE_TIMEOUT',
        `close(): ${this.#expired - before} span(s) were still undelivered after ${timeout} ms; they were dropped and counted as expired`,
      );
    }
    this.#transport.close();
  }
}

/**
 * A sink that sends spans to Zipkin's v2 HTTP API (`POST /api/v2/spans`), or anything that speaks
 * it. `write` only queues: spans are encoded and sent in batches on a timer or when a batch is
 * full, with at most `maxInFlight` requests at once. Network errors, timeouts, 429 and 5xx are
 * retried with exponential backoff and jitter; a 400 splits the batch until the rejected span(s)
 * stand alone, and only those are dropped. The queue is bounded by spans and bytes: past it new
 * spans are dropped and counted, the caller never waits. Timers never hold the process open;
 * call `tracer.close()` (or use `flushOnExit`) so the last spans are delivered.
 *
 * @example
 * const tracer = createTracer({
 *   serviceName: 'batch-job',
 *   sink: zipkinHttpSink({ url: 'http://zipkin:9411/api/v2/spans', headers: { authorization: `Bearer ${token}` } }),
 * });
 * @throws {OptionsError} naming each bad option, e.g. `url: expected an absolute http(s) URL`.
 */
export function zipkinHttpSink(options?: ZipkinHttpSinkOptions): ZipkinHttpSink {
  return new ZipkinHttpSinkImpl(resolveZipkinHttpSinkOptions(options));
}

export type { ZipkinHttpSinkOptions } from './zipkin-http-options.js';
export { DEFAULT_ZIPKIN_URL } from './zipkin-http-options.js';
