import { createRequire } from 'node:module';
import type * as Zipkin from 'zipkin';
import type { Sink } from '../model/sink.js';
import type { SpanRecord } from '../model/span-record.js';

let zipkinJs: typeof Zipkin | undefined;

/**
 * zipkin-js, loaded by the first logger sink or model span, not by importing the library. It is
 * CommonJS: require() returns the very module a user's `import zipkin from 'zipkin'` does.
 */
function loadZipkin(): typeof Zipkin {
  return (zipkinJs ??= createRequire(import.meta.url)('zipkin') as typeof Zipkin);
}

/** The part of a zipkin-js `Logger` used here: `HttpLogger`, the Kafka logger and others have it. */
export interface ZipkinLogger {
  logSpan(span: Zipkin.model.Span): void;
}

/** Turns a finished span into a zipkin-js `model.Span`. */
export function toZipkinModelSpan(r: SpanRecord): Zipkin.model.Span {
  const zipkin = loadZipkin();
  const id = new zipkin.TraceId({
    traceId: r.traceId,
    spanId: r.id,
    parentId: r.parentId === undefined ? zipkin.option.None : new zipkin.option.Some(r.parentId),
    sampled: new zipkin.option.Some(true),
    debug: r.debug,
    shared: r.shared,
  });
  const span = new zipkin.model.Span(id);
  if (r.name !== '') span.setName(r.name);
  if (r.kind !== undefined) span.setKind(r.kind);
  span.setTimestamp(r.timestamp);
  span.setDuration(r.duration);
  const mutable = span as { localEndpoint?: Zipkin.model.Endpoint; remoteEndpoint?: Zipkin.model.Endpoint };
  // Assigned, not set: setLocalEndpoint/setRemoteEndpoint drop an endpoint that has only ipv6.
  mutable.localEndpoint = modelEndpoint(zipkin, r.localEndpoint);
  if (r.remoteEndpoint !== undefined) mutable.remoteEndpoint = modelEndpoint(zipkin, r.remoteEndpoint);
  for (const a of r.annotations) span.addAnnotation(a.timestamp, a.value);
  const tags = r.tags;
  for (const key of Object.keys(tags)) span.putTag(key, tags[key]!);
  if (r.debug) span.setDebug(true);
  if (r.shared) span.setShared(true);
  return span;
}

function modelEndpoint(zipkin: typeof Zipkin, e: SpanRecord['localEndpoint']): Zipkin.model.Endpoint {
  const args: { serviceName?: string; ipv4?: string; port?: number } = {};
  if (e.serviceName !== undefined) args.serviceName = e.serviceName;
  if (e.ipv4 !== undefined) args.ipv4 = e.ipv4;
  if (e.port !== undefined) args.port = e.port;
  const out = new zipkin.model.Endpoint(args);
  // zipkin-js's Endpoint has no ipv6 field, but its JSON v2 encoder writes every field it holds.
  if (e.ipv6 !== undefined) (out as { ipv6?: string }).ipv6 = e.ipv6;
  return out;
}

/**
 * Hands spans to any zipkin-js `Logger` (its `HttpLogger`, its Kafka logger) as `model.Span`s, for
 * services that already ship spans that way.
 * @example
 * import { HttpLogger } from 'zipkin-transport-http';
 * const sink = zipkinLoggerSink(new HttpLogger({ endpoint, jsonEncoder: JSON_V2 }));
 * @throws {TypeError} when `logger` has no `logSpan` method.
 */
export function zipkinLoggerSink(logger: ZipkinLogger): Sink {
  if (logger === null || typeof logger !== 'object' || typeof logger.logSpan !== 'function') {
    throw new TypeError('zipkinLoggerSink: logger: expected a zipkin-js Logger with a logSpan(span) method');
  }
  // Now, not at the first write: a missing zipkin package is the caller's error, not a sink failure.
  loadZipkin();
  return {
    write(batch: SpanRecord[]) {
      for (const record of batch) logger.logSpan(toZipkinModelSpan(record));
    },
  };
}
