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
}

/** What `extractB3` returns for valid headers. Tell the two apart by `traceId !== undefined`. */
export type ExtractedContext = SpanContext | SamplingOnlyContext;
