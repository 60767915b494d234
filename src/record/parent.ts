import type { Complain } from '../model/endpoint.js';
import { isValidSpanId, isValidTraceId } from '../model/ids.js';
import { NoopSpan, RecordingSpan, TrackedSpan } from './span.js';
import type { Parent, ParentInfo, ZipkinTraceIdLike } from './span-api.js';

/** A parent that carries IDs, not only a sampling decision. */
export function hasIds(p: ParentInfo | null): p is ParentInfo & { readonly traceId: string; readonly spanId: string } {
  return p !== null && p.traceId !== undefined && p.spanId !== undefined;
}

function isZipkinTraceId(p: object): p is ZipkinTraceIdLike {
  return typeof (p as { isDebug?: unknown }).isDebug === 'function' && typeof (p as { sampled?: { getOrElse?: unknown } }).sampled?.getOrElse === 'function';
}

/** Reads any accepted parent shape once, at wrap time; an unusable one is reported and starts a new trace. */
export function readParent(p: Parent | null | undefined, complain: Complain): ParentInfo | null {
  if (p === undefined || p === null) return null;
  // A snapshot, not the span: a wrapper must not keep its parent's handle alive (orphan tracking),
  // and a span's own ID is made hex once here rather than on every call.
  if (p instanceof RecordingSpan || p instanceof TrackedSpan) {
    return { traceId: p.traceId, spanId: p.spanId, parentId: p.parentId, sampled: true, debug: p.debug };
  }
  if (p instanceof NoopSpan) return p;
  if (typeof p !== 'object') {
    complain('BAD_PARENT', 'parent must be a Span, a SpanContext, a zipkin-js TraceId or null; a new trace was started');
    return null;
  }
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
    info = { traceId: c.traceId, spanId: c.spanId, parentId: c.parentId, sampled: c.sampled, debug: c.debug === true };
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
