// A span read from a file (already Zipkin v2 JSON) as a record a sink takes, for `deferred-span send`.
import type { Endpoint } from '../model/endpoint.js';
import type { SpanRecord } from '../model/span-record.js';
import type { ZipkinSpan } from '../model/zipkin-span.js';

const NO_TAGS: Readonly<Record<string, string>> = Object.freeze({});
const NO_ANNOTATIONS: readonly never[] = Object.freeze([]);
const NO_ENDPOINT: Endpoint = Object.freeze({});

/**
 * A validated Zipkin span (what `parseSpan` and `scanSpanFile` give) as a `SpanRecord`, so the
 * delivery engine and its encoders take it like the tracer's own. It is not a `RecordingSpan`, so
 * the encoders write it through `toZipkinSpan`, which gives back the same fields: a missing
 * `timestamp` or `duration` stays missing (the record holds `undefined` there, which JSON leaves
 * out), as do a missing `name` (held as `''`) and tags and annotations (held empty). A missing
 * `localEndpoint` is written as `{}`, which Zipkin stores as no endpoint.
 *
 * @example
 * sink.write(spans.map(zipkinSpanRecord));
 */
export function zipkinSpanRecord(span: ZipkinSpan): SpanRecord {
  return {
    traceId: span.traceId,
    id: span.id,
    parentId: span.parentId,
    name: span.name ?? '',
    kind: span.kind,
    // The type says number because the tracer always has one; a file's span may not.
    timestamp: span.timestamp as number,
    duration: span.duration as number,
    localEndpoint: span.localEndpoint ?? NO_ENDPOINT,
    remoteEndpoint: span.remoteEndpoint,
    tags: span.tags ?? NO_TAGS,
    annotations: span.annotations ?? NO_ANNOTATIONS,
    debug: span.debug === true,
    shared: span.shared === true,
  };
}
