import type { Complain } from '../model/endpoint.js';
import { isValidSpanId, isValidTraceId } from '../model/ids.js';
import { kindOf, OptionsError } from '../model/options-error.js';
import { parseTracestate } from '../propagation/w3c.js';
import { NoopSpan, RecordingSpan, TrackedSpan } from './span.js';
import type { Parent, ParentInfo, ZipkinTraceIdLike } from './span-api.js';

/** A parent that carries IDs, not only a sampling decision. */
export function hasIds(p: ParentInfo | null): p is ParentInfo & { readonly traceId: string; readonly spanId: string } {
  return p !== null && p.traceId !== undefined && p.spanId !== undefined;
}

function isZipkinTraceId(p: object): p is ZipkinTraceIdLike {
  return typeof (p as { isDebug?: unknown }).isDebug === 'function' && typeof (p as { sampled?: { getOrElse?: unknown } }).sampled?.getOrElse === 'function';
}

const EXPECTED = 'expected a Span, a SpanContext (e.g. extractB3(req.headers)), a zipkin-js TraceId or null';
const CONTEXT_KEYS = ['traceId', 'spanId', 'parentId', 'sampled', 'debug'] as const;

/** A headers object given where a context belongs: `req.headers`, `new Headers()`, a Map, `{ 'x-b3-traceid': … }`. */
function looksLikeHeaders(p: object): boolean {
  if (p instanceof Map || typeof (p as { get?: unknown }).get === 'function') return true;
  return Object.keys(p).some((k) => k.includes('-') || /^(b3|traceparent|tracestate|host|accept|authorization|cookie)$/i.test(k));
}

/** A tracestate given with a context goes into headers: only a valid one is kept. */
function tracestateOf(value: unknown, complain: Complain): string | undefined {
  if (value === undefined) return undefined;
  const members = typeof value === 'string' ? parseTracestate(value) : 'not a string';
  if (typeof members === 'string') {
    complain('BAD_PARENT', `the parent context's tracestate is not valid W3C tracestate (${members}); it was dropped`);
    return undefined;
  }
  return members.length === 0 ? undefined : members.join(',');
}

/** Throws for a parent of a shape no tracer can read: a mistake in code, not in data. */
function wrongParent(where: string, p: unknown): never {
  if (p !== null && typeof p === 'object' && looksLikeHeaders(p)) {
    throw new OptionsError(where, ['parent: this looks like headers; pass extractB3(headers) instead, which reads the B3 context from them (undefined when there is none)']);
  }
  throw new OptionsError(where, [`parent: ${EXPECTED}; got ${kindOf(p)}`]);
}

/**
 * Reads any accepted parent shape once, at wrap time. A context whose IDs are invalid (bad data)
 * is reported and starts a new trace; a value that is no parent at all (a string, headers) is a
 * mistake in code and throws an `OptionsError` naming the fix.
 * @throws {OptionsError} for a parent that is not a Span, a SpanContext, a zipkin-js TraceId or null.
 */
export function readParent(p: Parent | null | undefined, complain: Complain, where: string): ParentInfo | null {
  if (p === undefined || p === null) return null;
  // A snapshot, not the span: a wrapper must not keep its parent's handle alive (orphan tracking),
  // and a span's own ID is made hex once here rather than on every call.
  if (p instanceof RecordingSpan || p instanceof TrackedSpan) {
    return { traceId: p.traceId, spanId: p.spanId, parentId: p.parentId, sampled: true, debug: p.debug, tracestate: p.tracestate, randomTraceId: p.randomTraceId };
  }
  if (p instanceof NoopSpan) return p;
  if (typeof p !== 'object') wrongParent(where, p);
  try {
    return readContext(p, complain, where);
  } catch (error) {
    if (error instanceof OptionsError) throw error;
    // A Proxy or a throwing getter: the same mistake, said as one.
    throw new OptionsError(where, [`parent: reading it threw (${error instanceof Error ? error.message : 'a non-Error'}); ${EXPECTED}`]);
  }
}

function readContext(p: object, complain: Complain, where: string): ParentInfo | null {
  let info: ParentInfo;
  if (isZipkinTraceId(p)) {
    info = {
      traceId: p.traceId,
      spanId: p.spanId,
      parentId: p.parentSpanId?.getOrElse(undefined),
      sampled: p.sampled.getOrElse(undefined),
      debug: p.isDebug(),
    };
  } else {
    const c = p as ParentInfo;
    if (!CONTEXT_KEYS.some((k) => k in c)) wrongParent(where, p);
    info = {
      traceId: c.traceId,
      spanId: c.spanId,
      parentId: c.parentId,
      sampled: c.sampled,
      debug: c.debug === true,
      tracestate: tracestateOf(c.tracestate, complain),
      randomTraceId: c.randomTraceId === true,
      propagation: c.propagation === 'w3c' ? 'w3c' : undefined,
    };
  }
  if (info.traceId === undefined && info.spanId === undefined) {
    return { traceId: undefined, spanId: undefined, sampled: typeof info.sampled === 'boolean' ? info.sampled : undefined, debug: info.debug };
  }
  if (
    typeof info.traceId !== 'string' || !isValidTraceId(info.traceId) ||
    typeof info.spanId !== 'string' || !isValidSpanId(info.spanId) ||
    (info.parentId !== undefined && (typeof info.parentId !== 'string' || !isValidSpanId(info.parentId)))
  ) {
    complain('BAD_PARENT', 'the parent context has invalid IDs (lowercase hex, 16 or 32 characters, not all zeros); a new trace was started');
    return null;
  }
  return info;
}
