import type { Endpoint } from '../model/endpoint.js';
import type { SamplingOnlyContext, SpanContext } from '../model/span-context.js';
import type { SpanKind } from '../model/span-record.js';
import type { HeadersOptions } from '../propagation/formats.js';
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';

/** Options of a traced function, fixed when it is wrapped. */
export interface TracedOptions {
  /**
   * The span name.
   * @default fn.name, else `'traced'`
   */
  readonly name?: string;
  /** `CLIENT`, `SERVER`, `PRODUCER` or `CONSUMER`; absent means a local span. */
  readonly kind?: SpanKind;
  /**
   * The parent of every call's span: a `Span`, a `SpanContext` (e.g. from `extractB3`), a zipkin-js
   * `TraceId`, or `null` for a new root. Absent also means a new root: nothing is looked up from
   * shared state.
   * @default null
   */
  readonly parent?: Parent | null | undefined;
  /** The other side of the call, for `CLIENT`, `SERVER`, `PRODUCER` and `CONSUMER` spans. */
  readonly remoteEndpoint?: Endpoint;
  /** Tags put on every span of this function. Values are stored as strings. */
  readonly tags?: Readonly<Record<string, unknown>>;
}

/**
 * What a span can have as its parent.
 * A zipkin-js `TraceId` is accepted as is (duck-typed: `traceId`, `spanId`, `sampled`, `isDebug()`).
 * A `SamplingOnlyContext` (what `extractB3` returns for `b3: 0`) starts a new trace that keeps the decision.
 */
export type Parent = Span | SpanContext | SamplingOnlyContext | ParentInfo | ZipkinTraceIdLike;

/**
 * The part of a zipkin-js `TraceId` read here, by its shape: a `TraceId` fits it, and neither the
 * library nor its declarations load zipkin-js for it.
 */
export interface ZipkinTraceIdLike {
  readonly traceId: string;
  readonly spanId: string;
  // `fallback: unknown`, so that zipkin-js's Option (which takes `T | (() => T)`) fits; it is called with undefined.
  readonly parentSpanId?: { getOrElse(fallback: unknown): string | undefined };
  readonly sampled: { getOrElse(fallback: unknown): boolean | undefined };
  isDebug(): boolean;
}

/** A parent as the tracer reads it on each call: live spans, contexts and sampling-only contexts. */
export interface ParentInfo {
  readonly traceId: string | undefined;
  readonly spanId: string | undefined;
  readonly parentId?: string | undefined;
  readonly sampled: boolean | undefined;
  readonly debug: boolean;
  /** W3C tracestate of the trace, passed on unchanged. */
  readonly tracestate?: string | undefined;
  /** W3C random-trace-id flag of the trace. */
  readonly randomTraceId?: boolean | undefined;
  /** The format the context was read from; a W3C one is never joined. */
  readonly propagation?: 'b3' | 'w3c' | undefined;
}

/** What `span.env()` gives: the variables to set in a child process's environment. */
export type SpanEnv = {
  /** The W3C `traceparent` of the span. */
  readonly TRACEPARENT: string;
  /** The W3C `tracestate`, when the trace has one. */
  readonly TRACESTATE?: string;
  /** The span in B3's single form, when the tracer speaks B3. */
  readonly B3?: string;
};

/** The handle a traced function receives, and what `startSpan` returns. */
export interface Span {
  /** This span's identity. A fresh object on each read. */
  readonly context: SpanContext;
  /** True when the span will be emitted; false for an unsampled span, whose methods do nothing. */
  readonly isRecording: boolean;
  /**
   * Records an event. Values are strings; the timestamp defaults to now.
   * @example span.annotate('Response headers received')
   */
  annotate(value: string, timestampMicros?: number): this;
  /**
   * Sets a tag. Non-string values are stored as strings; values longer than `MAX_VALUE_LENGTH`
   * are cut. A value that cannot be stored is dropped and reported once.
   * @example span.tag('http.status_code', res.statusCode)
   */
  tag(key: string, value: unknown): this;
  /** Records the other side of the call. Invalid fields (a bad IP, a zero port) are dropped and reported once. */
  setRemoteEndpoint(endpoint: Endpoint): this;
  /**
   * This span's own B3 headers, lowercase keys, ready for `fetch` or `http.request`.
   * @default format 'multi'
   * @example await fetch(url, { headers: span.b3Headers() })
   */
  b3Headers(format?: 'multi' | 'single'): Record<string, string>;
  /**
   * This span's propagation headers in every format the tracer speaks (`propagation`): B3,
   * W3C `traceparent` and `tracestate` (passed on as received), or both. A PRODUCER or CONSUMER
   * span writes B3 as the single `b3` header, as messages carry it.
   * @param options `case: 'canonical'` for `X-B3-TraceId`-style names, `encoding: 'bytes'` for
   *   `Buffer` values (message headers), `b3: 'single' | 'multi'`.
   * @example await fetch(url, { headers: span.headers() })
   * @example await producer.send({ topic, messages: [{ value, headers: span.headers({ encoding: 'bytes' }) }] })
   */
  headers(options?: HeadersOptions & { readonly encoding?: 'string' }): Record<string, string>;
  headers(options: HeadersOptions & { readonly encoding: 'bytes' }): Record<string, Buffer>;
  headers(options?: HeadersOptions): Record<string, string> | Record<string, Buffer>;
  /**
   * Environment variables that carry this span to a child process: `TRACEPARENT` (and
   * `TRACESTATE` when there is one), and `B3` in its single form when the tracer speaks B3. The
   * child reads them with `extractEnv()`.
   * @example spawn('worker', args, { env: { ...process.env, ...span.env() } })
   */
  env(): SpanEnv;
  /** `tracer.traced` with this span as the parent. */
  traced<A extends unknown[], R>(
    fn: (span: Span, ...args: A) => R,
    options?: Omit<TracedOptions, 'parent'>,
  ): (...args: A) => Promise<Awaited<R>>;
  /**
   * `fetch` with one CLIENT span, a child of this one: propagation headers added (the caller's
   * headers untouched), named after the method, tagged `http.method`, `http.path`, `http.url`,
   * `http.status_code` and `error` (a status outside 100..399, or the network error), annotated
   * `ws`/`wr` when the headers go and come; it ends when the body has arrived (at the headers for
   * HEAD, 204, 304), or when an unread Response is garbage collected. Resolves to fetch's own Response.
   * @example const res = await span.fetch(`http://object-server-${i}/fragment`);
   */
  fetch(input: string | URL | Request, init?: RequestInit, options?: HttpClientSpanOptions): Promise<Response>;
  /**
   * `http.request` (or `https.request`) with one CLIENT span, a child of this one, by the same
   * rules as `fetch`: headers set before anything is sent; ended at the response's end or close,
   * or at the request's error.
   * @example span.request('http://object-server/fragment', (res) => res.pipe(out)).end();
   */
  request(url: string | URL, callback?: (res: IncomingMessage) => void): ClientRequest;
  request(url: string | URL, options?: RequestOptions, callback?: (res: IncomingMessage) => void): ClientRequest;
  request(options: RequestOptions, callback?: (res: IncomingMessage) => void): ClientRequest;
  /** Ends the span and emits it. A second `end` or `fail` does nothing. */
  end(endTimestampMicros?: number): void;
  /** Ends the span with an `error` tag (the error's message, or `String(reason)`). A second call does nothing. */
  fail(error: unknown, endTimestampMicros?: number): void;
}

/** Options of `span.fetch` besides the request's own. */
export interface HttpClientSpanOptions {
  /** The span name. @default the method, e.g. `GET` (Brave's convention) */
  readonly name?: string;
  /** The service on the other side, recorded as the remote endpoint's `serviceName`. */
  readonly remoteServiceName?: string;
  /** Keep query values out of the `http.url` tag. Credentials in URLs are never recorded. @default false */
  readonly redactQuery?: boolean;
  /** Tags put on the span. */
  readonly tags?: Readonly<Record<string, unknown>>;
}

/** How spans make HTTP calls: given to the tracer by `createTracer`, so the recording core loads no HTTP code. */
export interface HttpSupport {
  fetch(parent: Span, input: string | URL | Request, init: RequestInit | undefined, options: HttpClientSpanOptions | undefined): Promise<Response>;
  request(parent: Span, args: readonly unknown[]): ClientRequest;
  /**
   * A recording span handed its headers to code of its own (`b3Headers()`, `headers()`): a request
   * that carries them gets the span's wire annotations too.
   */
  handedOut(span: Span, spanId: string): void;
}
