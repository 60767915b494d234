import { ZIPKIN_DELIVERY_KINDS, type DiagnosticKind } from '../model/diagnostic-kinds.js';
import { Diagnostics } from '../model/diagnostics.js';
import { CredentialRedactor } from '../model/redaction.js';
import { giveBackSpansBytes, lendSpansBytes } from '../encode/bytes.js';
import { encodeSpansProto3, splitProto3Spans } from '../encode/proto3.js';
import type { FlushOptions, OutgoingBatch, SendOutcome, Sink, SinkStats } from '../model/sink.js';
import { engineOptions } from './delivery-options.js';
import { DeliveryEngine, describeError, LEAN, type LeanAnswer, type LeanAttempt, type LeanPath, type LeanTransport } from './engine.js';
import { ACCEPTED, MAX_ERROR_BODY, resolveZipkinHttpSinkOptions, SPANS_PATH, type PostResult, type ResolvedZipkinHttpSinkOptions, type ZipkinHttpSinkOptions } from './zipkin-http-options.js';
import type { HttpPoster } from './zipkin-http-transport.js';
import type { SpanRecord } from '../model/span-record.js';

/** A sink that POSTs spans to Zipkin's v2 HTTP API. */
export interface ZipkinHttpSink extends Sink {
  /** Where spans are sent: origin and path only (no query string, no credentials). */
  readonly url: string;
  flush(options?: FlushOptions): Promise<void>;
  close(options?: FlushOptions): Promise<void>;
  stats(): SinkStats;
  /**
   * Resolves once at most `limit` spans are queued or in flight, or the sink is closed: for a
   * producer of many spans that must not overrun the queue (spans past it would be dropped).
   * @example await sink.whenPendingAtMost(10_000); sink.write(batch);
   */
  whenPendingAtMost(limit: number): Promise<void>;
}

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

/** Keeps collector credentials (header values) out of every message the sink makes. */
class Redactor {
  readonly #redactor: CredentialRedactor;
  readonly #any: boolean;

  constructor(headers: Readonly<Record<string, string>>) {
    // Each value, and each long word of it: a collector may echo the token without its "Bearer ".
    const words = Object.values(headers).flatMap((v) => v.split(/[\s,]+/).filter((w) => w.length >= MIN_SECRET_WORD_LENGTH));
    this.#redactor = new CredentialRedactor([...Object.values(headers), ...words]);
    this.#any = !this.#redactor.empty;
  }

  text(text: string): string {
    return this.#redactor.text(text);
  }

  /** A collector's answer, cut at MAX_ERROR_BODY: a secret echoed across the cut would leave its start behind. */
  body(text: string): string {
    return this.#redactor.cut(text);
  }

  /** The error as is, unless its text holds a header value (an HTTP client may quote an invalid one). */
  error(error: unknown): unknown {
    if (!(error instanceof Error) || !this.#any) return error;
    const cause = (error as { cause?: unknown }).cause;
    const text = `${error.message} ${cause instanceof Error ? cause.message : ''}`;
    if (this.text(text) === text) return error;
    const clean = new Error(this.text(error.message));
    clean.name = error.name;
    return clean;
  }
}

/** The handle of an attempt whose POST waits for the HTTP module to load (the first batch's). */
class Loading {}

const REPLY = Symbol('reply');

/** An attempt made by `send()` (the Transport contract's path, unused by the engine): it carries its own reply. */
interface SendAttempt extends LeanAttempt {
  readonly [REPLY]: (outcome: SendOutcome) => void;
}

/**
 * Zipkin's v2 HTTP API as a transport: one POST per batch, its status mapped to what the engine does
 * next. It takes the engine's lean path: the engine's one timer cuts off a request past its
 * deadline through `cancel`, no promise or signal is made per POST, and a 400 bisect splits the
 * batch's bytes (its records are not kept once encoded).
 */
class ZipkinHttpTransport implements LeanTransport {
  readonly target: string;
  readonly #options: ResolvedZipkinHttpSinkOptions;
  #http: Promise<HttpPoster> | undefined;
  #loaded: HttpPoster | undefined;
  #closed = false;
  readonly #redact: Redactor;
  readonly #timeoutMillis: number;
  /** The engine's answer: every lean attempt is answered through it. */
  #reply: LeanAnswer | undefined;

  readonly [LEAN]: LeanPath;
  readonly encode: (records: readonly SpanRecord[]) => Uint8Array;

  constructor(o: ResolvedZipkinHttpSinkOptions) {
    this.target = o.url.origin + o.url.pathname;
    this.#options = o;
    const proto3 = o.encoding === 'proto3';
    // JSON bodies are the encoder's own scratch, lent and given back once sent: no copy per batch.
    this.encode = proto3 ? encodeSpansProto3 : lendSpansBytes;
    this[LEAN] = {
      start: (attempt, answer) => {
        this.#reply = answer;
        this.#start(attempt);
      },
      cancel: (attempt, reason) => this.#cancel(attempt, reason),
      // By the body's first byte: a replayed spool may hold the other encoding.
      split: (body, count) => (body[0] === 0x5b ? splitJsonArray(body, count) : splitProto3Spans(body, count)),
      ...(proto3 ? {} : { release: giveBackSpansBytes }),
    };
    this.#redact = new Redactor(o.headers);
    this.#timeoutMillis = o.timeoutMillis;
  }

  /** The poster, made by the first batch: the transport and `node:http(s)` are not loaded by importing the library. */
  #poster(): Promise<HttpPoster> {
    const o = this.#options;
    return (this.#http ??= import('./zipkin-http-transport.js').then((m) => {
      const poster = m.nodeTransport(o.url, o.headers, o.ca, o.maxInFlight, { gzip: o.compression === 'gzip' }, this.#answered);
      this.#loaded = poster;
      if (this.#closed) poster.close();
      return poster;
    }));
  }

  #start(attempt: LeanAttempt): void {
    const poster = this.#loaded;
    if (poster !== undefined) return poster.post(attempt, attempt.body!);
    // The first batch: it waits for the module, and can be cut off meanwhile (then it is answered at once).
    const loading = new Loading();
    attempt.handle = loading;
    this.#poster().then(
      (p) => {
        if (attempt.handle === loading) p.post(attempt, attempt.body!);
      },
      (error: unknown) => {
        if (attempt.handle !== loading) return;
        attempt.handle = undefined;
        this.#answered(attempt, undefined, error);
      },
    );
  }

  #cancel(attempt: LeanAttempt, reason: Error): void {
    if (attempt.handle instanceof Loading) {
      attempt.handle = undefined;
      this.#answered(attempt, undefined, reason);
    } else if (attempt.handle !== undefined) {
      this.#loaded?.cancel(attempt, reason);
    }
  }

  /** A POST's end, as the engine's outcome. */
  readonly #answered = (attempt: LeanAttempt, result: PostResult | undefined, error: unknown): void => {
    const outcome = result === ACCEPTED ? SENT : this.#outcome(attempt.count, result, error);
    const own = (attempt as Partial<SendAttempt>)[REPLY];
    if (own !== undefined) own(outcome);
    else this.#reply!(attempt, outcome);
  };

  /** What a failed POST (or an answer other than 2xx) means for the batch. */
  #outcome(n: number, result: PostResult | undefined, error: unknown): SendOutcome {
    if (result === undefined) {
      const clean = this.#redact.error(error);
      return { outcome: 'retry', reason: this.#redact.text(describeError(error, this.#timeoutMillis)), error: clean };
    }
    const status = result.status;
    if (status >= 200 && status < 300) return SENT;
    const said = this.#redact.body(result.text.trim().replace(/\s+/g, ' '));
    if (status >= 300 && status < 400) {
      // Not followed: a redirect would re-send every batch twice, and the auth headers to
      // wherever it points. The fix is a url that needs none.
      const to = result.location === null ? '' : ` to ${this.#redact.body(result.location.slice(0, MAX_ERROR_BODY))}`;
      const fix = this.target.endsWith(`/${SPANS_PATH}`)
        ? 'Set url to the address the collector redirects to'
        : `Set url to Zipkin's span endpoint, e.g. ${new URL(`/${SPANS_PATH}`, this.target).href}, or to the address the collector redirects to`;
      return this.#refused(n, 'ZIPKIN_REDIRECTED', `answered HTTP ${status}, a redirect${to}; redirects are not followed, so`, fix);
    }
    // Zipkin's collector answers a body over its 10 MiB limit with a 500 that says 413: no retry helps.
    if (SPLIT_STATUSES.has(status) || (status === 500 && /\b413\b|entity too large/i.test(said))) {
      return { outcome: 'split', kind: 'ZIPKIN_REJECTED', message: `rejected a span with HTTP ${status}${said === '' ? '' : `: ${said}`}` };
    }
    if (REFUSED_STATUSES.has(status)) {
      // A 404 or 405 most often means the URL is not the span endpoint: say which one is.
      const fix = (status === 404 || status === 405) && !this.target.endsWith(`/${SPANS_PATH}`)
        ? `Set url to Zipkin's span endpoint, e.g. ${new URL(`/${SPANS_PATH}`, this.target).href} (or its base URL)`
        : 'Check the url and the auth headers';
      return this.#refused(n, 'ZIPKIN_REFUSED', `answered HTTP ${status}${said === '' ? '' : ` (${said})`};`, fix);
    }
    return {
      outcome: 'retry',
      reason: `HTTP ${status}${said === '' ? '' : ` (${said})`}`,
      afterMillis: status === 429 ? retryAfterMillis(result.retryAfter) : undefined,
    };
  }

  /** The Transport contract's send, for completeness: the engine takes the lean path instead. */
  send(batch: OutgoingBatch, signal: AbortSignal): Promise<SendOutcome> {
    return new Promise((resolve) => {
      const onAbort = (): void => this.#cancel(attempt, signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
      const attempt: SendAttempt = {
        body: batch.body,
        count: batch.records.length,
        attempts: batch.attempts,
        handle: undefined,
        [REPLY]: (outcome) => {
          signal.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
      };
      if (signal.aborted) return resolve({ outcome: 'retry', reason: describeError(signal.reason, this.#timeoutMillis), error: signal.reason });
      signal.addEventListener('abort', onAbort, { once: true });
      this.#start(attempt);
    });
  }

  /** A batch no retry can deliver, counted as rejected, saying what the collector did and the fix. */
  #refused(n: number, kind: DiagnosticKind, answered: string, fix: string): SendOutcome {
    return { outcome: 'refused', kind, message: `${this.target} ${answered} ${n} span(s) were dropped and counted as rejected. ${fix}` };
  }

  close(): void {
    this.#closed = true;
    this.#loaded?.close();
  }
}

/**
 * A JSON array of `count` spans (as `encodeSpansBytes` writes it) split where its middle span
 * starts: `[first half]`, how many spans it holds, `[second half]`. The bytes are read for where
 * each top-level element ends (strings and nesting followed); undefined when they do not hold
 * `count` elements, so no span is ever miscounted.
 */
function splitJsonArray(body: Uint8Array, count: number): [Uint8Array, number, Uint8Array] | undefined {
  if (count < 2 || body[0] !== 0x5b) return undefined;
  const half = count >> 1;
  let depth = 0;
  let inString = false;
  let elements = 0;
  let cut = -1;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (inString) {
      if (c === 0x5c) i++; // a backslash: the next byte is escaped
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x2c && depth === 1 && ++elements === half) cut = i;
  }
  if (depth !== 0 || inString || elements + 1 !== count || cut < 0) return undefined;
  const first = Buffer.allocUnsafe(cut + 1);
  first.set(body.subarray(0, cut));
  first[cut] = 0x5d;
  const second = Buffer.allocUnsafe(body.length - cut);
  second[0] = 0x5b;
  second.set(body.subarray(cut + 1), 1);
  return [first, half, second];
}

const SENT: SendOutcome = { outcome: 'sent' };

class ZipkinHttpSinkImpl extends DeliveryEngine implements ZipkinHttpSink {
  readonly url: string;

  constructor(o: ResolvedZipkinHttpSinkOptions) {
    const transport = new ZipkinHttpTransport(o);
    super(
      transport,
      engineOptions(o, ZIPKIN_DELIVERY_KINDS),
      new Diagnostics(o.onError, o.warnings),
    );
    this.url = transport.target;
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
