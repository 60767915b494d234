/**
 * The identity of a span as it travels between processes: what B3 carries.
 *
 * IDs are lowercase hex: `traceId` 16 or 32 characters, `spanId` and `parentId` 16,
 * never all zeros.
 */
export interface SpanContext {
  /** 16 or 32 lowercase hex characters. */
  readonly traceId: string;
  /** 16 lowercase hex characters. */
  readonly spanId: string;
  /** The parent's span ID; absent on a root span. */
  readonly parentId?: string | undefined;
  /**
   * The sampling decision. `undefined` means the sender deferred it: the receiver decides.
   */
  readonly sampled: boolean | undefined;
  /** Debug implies sampled and asks collectors to keep the span whatever their own sampling. */
  readonly debug: boolean;
  /** True on a server span that joined its client's span ID (Zipkin's shared-span model). */
  readonly shared: boolean;
  /**
   * The format a context read from headers came in. A W3C context has no shared-span model: a
   * server span started from it is a child, never a join.
   */
  readonly propagation?: 'b3' | 'w3c' | undefined;
  /**
   * W3C `tracestate` received with the trace, passed on unchanged (members without optional
   * whitespace).
   */
  readonly tracestate?: string | undefined;
  /**
   * W3C `random-trace-id` flag: the trace ID's right-most 7 bytes are random. Kept as received,
   * as the spec requires of every outgoing `traceparent` with the same trace ID.
   */
  readonly randomTraceId?: boolean | undefined;
}

/**
 * What a peer sent when it propagated only a sampling decision (`b3: 0`, `b3: d`,
 * `X-B3-Sampled: 1` alone, ...). A span started with it as `parent` begins a new trace
 * that keeps the decision.
 */
export interface SamplingOnlyContext {
  readonly traceId?: undefined;
  readonly spanId?: undefined;
  readonly parentId?: undefined;
  readonly sampled: boolean | undefined;
  readonly debug: boolean;
  readonly shared: false;
  readonly propagation?: undefined;
  readonly tracestate?: undefined;
  readonly randomTraceId?: undefined;
}

/** What `extractB3` returns for valid headers. Tell the two apart by `traceId !== undefined`. */
export type ExtractedContext = SpanContext | SamplingOnlyContext;
