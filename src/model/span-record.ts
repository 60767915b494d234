import type { Endpoint } from './endpoint.js';

/** Zipkin's span kinds, in the order its API lists them. Absent means a local span. */
export const SPAN_KINDS = ['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'] as const;

/** Zipkin's span kinds. Absent means a local span. */
export type SpanKind = (typeof SPAN_KINDS)[number];

/** The kinds, for messages: `CLIENT, SERVER, PRODUCER or CONSUMER`. */
export const SPAN_KINDS_TEXT = `${SPAN_KINDS.slice(0, -1).join(', ')} or ${SPAN_KINDS[SPAN_KINDS.length - 1]}`;

/** The kinds quoted, for option messages: `"CLIENT", "SERVER", "PRODUCER" or "CONSUMER"`. */
export const SPAN_KINDS_QUOTED = `${SPAN_KINDS.slice(0, -1).map((k) => `"${k}"`).join(', ')} or "${SPAN_KINDS[SPAN_KINDS.length - 1]}"`;

const KINDS: ReadonlySet<unknown> = new Set(SPAN_KINDS);

/** Whether `value` is one of Zipkin's span kinds. */
export function isSpanKind(value: unknown): value is SpanKind {
  return KINDS.has(value);
}


/** An event inside a span. */
export interface Annotation {
  /** Epoch microseconds, an integer. */
  readonly timestamp: number;
  readonly value: string;
}

/** A finished span as sinks receive it. Turn it into Zipkin JSON with `toZipkinSpan` or `encodeSpans`. */
export interface SpanRecord {
  readonly traceId: string;
  readonly id: string;
  readonly parentId: string | undefined;
  readonly name: string;
  readonly kind: SpanKind | undefined;
  /** Epoch microseconds, an integer. */
  readonly timestamp: number;
  /** Microseconds, an integer >= 1. */
  readonly duration: number;
  readonly localEndpoint: Endpoint;
  readonly remoteEndpoint: Endpoint | undefined;
  /** The tracer's default tags, the function's tags and the span's own, merged. Computed on each read. */
  readonly tags: Readonly<Record<string, string>>;
  readonly annotations: readonly Annotation[];
  readonly debug: boolean;
  readonly shared: boolean;
}

