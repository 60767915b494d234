import type { Endpoint } from '../model/endpoint.js';
import type { SamplingOnlyContext, SpanContext } from '../model/span-context.js';
import type { SpanKind } from '../model/span-record.js';
import type zipkin from 'zipkin';

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
// zipkin.TraceId by name: its Option types do not fit ZipkinTraceIdLike's getOrElse(undefined).
export type Parent = Span | SpanContext | SamplingOnlyContext | ParentInfo | ZipkinTraceIdLike | zipkin.TraceId;

/** The part of a zipkin-js `TraceId` read here. */
export interface ZipkinTraceIdLike {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: { getOrElse(v: undefined): string | undefined };
  readonly sampled: { getOrElse(v: undefined): boolean | undefined };
  isDebug(): boolean;
}

/** A parent as the tracer reads it on each call: live spans, contexts and sampling-only contexts. */
export interface ParentInfo {
  readonly traceId: string | undefined;
  readonly spanId: string | undefined;
  readonly parentId?: string | undefined;
  readonly sampled: boolean | undefined;
  readonly debug: boolean;
}

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
  /** `tracer.traced` with this span as the parent. */
  traced<A extends unknown[], R>(
    fn: (span: Span, ...args: A) => R,
    options?: Omit<TracedOptions, 'parent'>,
  ): (...args: A) => Promise<Awaited<R>>;
  /** Ends the span and emits it. A second `end` or `fail` does nothing. */
  end(endTimestampMicros?: number): void;
  /** Ends the span with an `error` tag (the error's message, or `String(reason)`). A second call does nothing. */
  fail(error: unknown, endTimestampMicros?: number): void;
}
