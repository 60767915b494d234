/**
 * The propagation formats a tracer speaks, one API over B3 and W3C Trace Context: which headers
 * to write for a span, and which context to read from a carrier.
 * @module
 */
import type { ExtractedContext, SpanContext } from '../model/span-context.js';
import { b3Headers, extractB3 } from './b3.js';
import type { Carrier } from './carrier.js';
import { extractW3C, formatTraceparent, outgoingTracestate, w3cTraceId } from './w3c.js';

/**
 * A propagation format:
 * - `'b3'`: B3 multiple headers (`X-B3-TraceId`, …), the default, what Zipkin peers read;
 * - `'b3-single'`: the single `b3` header;
 * - `'w3c'`: W3C Trace Context (`traceparent`, `tracestate`), OpenTelemetry's default.
 */
export type PropagationFormat = 'b3' | 'b3-single' | 'w3c';

/** Every format, in the order the option's message lists them. */
export const PROPAGATION_FORMATS: readonly PropagationFormat[] = ['b3', 'b3-single', 'w3c'];

/** What a span writes into outgoing headers. */
export interface OutgoingContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentId?: string | undefined;
  readonly sampled: boolean | undefined;
  readonly debug: boolean;
  readonly tracestate?: string | undefined;
  readonly randomTraceId?: boolean | undefined;
}

/** Options of `span.headers()`. */
export interface HeadersOptions {
  /**
   * Header names: `'lower'` (`x-b3-traceid`), or `'canonical'` (`X-B3-TraceId`) for carriers
   * read case-sensitively (a plain dict in py_zipkin, some message consumers).
   * @default 'lower'
   */
  readonly case?: 'lower' | 'canonical';
  /**
   * Header values as text, or as `Buffer`s for message headers (Kafka).
   * @default 'string'
   */
  readonly encoding?: 'string' | 'bytes';
  /**
   * How the `'b3'` format is written: multiple headers, or the single `b3` header. Messages
   * (PRODUCER and CONSUMER spans) get the single header by default, as Brave sends it.
   * @default 'multi', or 'single' on a PRODUCER or CONSUMER span
   */
  readonly b3?: 'multi' | 'single';
}

const CANONICAL: Readonly<Record<string, string>> = {
  'x-b3-traceid': 'X-B3-TraceId',
  'x-b3-spanid': 'X-B3-SpanId',
  'x-b3-parentspanid': 'X-B3-ParentSpanId',
  'x-b3-sampled': 'X-B3-Sampled',
  'x-b3-flags': 'X-B3-Flags',
};

/** The W3C headers for a context: its traceparent, and the tracestate to pass on. */
function w3cInto(out: Record<string, string>, c: OutgoingContext, tracestateKey: string | undefined): void {
  out.traceparent = formatTraceparent(c.traceId, c.spanId, c.sampled === true || c.debug, c.randomTraceId === true);
  const state = outgoingTracestate(c.tracestate, tracestateKey, c.spanId);
  if (state !== undefined) out.tracestate = state;
}

/**
 * The headers of every format in `formats` for `context`, lowercase text unless asked otherwise.
 * Hot path for the common case (B3 multi, lowercase, text): one object, no copies.
 */
export function writeHeaders(
  formats: readonly PropagationFormat[],
  context: OutgoingContext,
  tracestateKey: string | undefined,
  options: HeadersOptions | undefined,
  message: boolean,
): Record<string, string> | Record<string, Buffer> {
  let out: Record<string, string> | undefined;
  for (const format of formats) {
    if (format === 'w3c') {
      out ??= {};
      w3cInto(out, context, tracestateKey);
      continue;
    }
    const single = format === 'b3-single' || (options?.b3 ?? (message ? 'single' : 'multi')) === 'single';
    const b3 = b3Headers(context as SpanContext, single ? 'single' : 'multi');
    out = out === undefined ? b3 : Object.assign(out, b3);
  }
  out ??= {};
  if (options?.case === 'canonical') {
    const named: Record<string, string> = {};
    for (const key of Object.keys(out)) named[CANONICAL[key] ?? key] = out[key] as string;
    out = named;
  }
  if (options?.encoding === 'bytes') {
    const bytes: Record<string, Buffer> = {};
    for (const key of Object.keys(out)) bytes[key] = Buffer.from(out[key] as string, 'latin1');
    return bytes;
  }
  return out;
}

/**
 * The context in `carrier` by the first of `formats` present and valid there; a malformed one
 * falls back to the next (and is counted by its reader). Never throws.
 */
export function extractWith(formats: readonly PropagationFormat[], carrier: Carrier): ExtractedContext | undefined {
  let triedB3 = false;
  let w3c: SpanContext | undefined | null = null;
  for (const format of formats) {
    if (format === 'w3c') {
      w3c = extractW3C(carrier);
      if (w3c !== undefined) return w3c;
    } else if (!triedB3) {
      // extractB3 reads both B3 forms: the single header first, as its spec says.
      triedB3 = true;
      const context = extractB3(carrier);
      if (context === undefined) continue;
      // B3 first, W3C beside it for the same span: keep the trace's tracestate and flags too.
      if (context.traceId !== undefined && formats.includes('w3c')) return withW3C(context, w3c === null ? extractW3C(carrier) : w3c);
      return context;
    }
  }
  return undefined;
}

/** A B3 context, with the tracestate and random flag of a W3C context of the same span. */
function withW3C(b3: SpanContext, w3c: SpanContext | undefined): SpanContext {
  if (w3c === undefined || w3c.spanId !== b3.spanId) return b3;
  if (w3c.traceId !== w3cTraceId(b3.traceId)) return b3;
  return { ...b3, randomTraceId: w3c.randomTraceId === true, ...(w3c.tracestate !== undefined && { tracestate: w3c.tracestate }) };
}


/** Environment variables for a child process: the W3C pair, and B3's single form when B3 is on. */
export function envOf(formats: readonly PropagationFormat[], context: OutgoingContext, tracestateKey: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  w3cInto(out, context, tracestateKey);
  const env: Record<string, string> = { TRACEPARENT: out.traceparent as string };
  if (out.tracestate !== undefined) env.TRACESTATE = out.tracestate;
  if (formats.some((f) => f !== 'w3c')) env.B3 = (b3Headers(context as SpanContext, 'single') as { b3: string }).b3;
  return env;
}

/**
 * The trace context a child process starts under, from the variables its parent set with
 * `span.env()`: `B3` (exact, including 64-bit trace IDs) when present and valid, else
 * `TRACEPARENT` and `TRACESTATE`. Undefined when there is none: start a new trace. Never throws.
 *
 * @param env The environment to read.
 * @default env process.env
 * @example
 * // in the child
 * const parent = extractEnv();
 * await tracer.traced(work, { parent })();
 */
export function extractEnv(env: Readonly<Record<string, string | undefined>> = process.env): ExtractedContext | undefined {
  try {
    if (typeof env !== 'object' || env === null) return undefined;
    const traceparent = env.TRACEPARENT;
    const tracestate = env.TRACESTATE;
    const w3c = typeof traceparent !== 'string' ? undefined : extractW3C(typeof tracestate === 'string' ? { traceparent, tracestate } : { traceparent });
    const b3 = env.B3;
    if (typeof b3 === 'string' && b3 !== '') {
      const context = extractB3({ b3 });
      if (context !== undefined) return context.traceId === undefined ? context : withW3C(context, w3c);
    }
    return w3c;
  } catch {
    return undefined;
  }
}
