import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sink } from '../model/sink.js';
import { ndjsonFileSink } from '../deliver/ndjson-file.js';
import { zipkinHttpSink } from '../deliver/zipkin-http.js';
import { zipkinUrlFromEnvironment } from '../deliver/zipkin-http-options.js';

const announced = new Set<string>();

/** Where spans go when no sink is given: Zipkin if its URL is in the environment, else an NDJSON file. */
export function defaultSinkTarget(serviceName: string): { kind: 'file'; path: string } {
  const file = process.env.DEFERRED_SPAN_FILE;
  const safe = serviceName.replace(/[^a-z0-9._-]+/g, '_') || 'spans';
  return { kind: 'file', path: file !== undefined && file !== '' ? file : join(tmpdir(), 'deferred-span', `${safe}.ndjson`) };
}

/**
 * The sink a tracer uses when none is given. When nothing in the environment chose where spans go,
 * says once, on stderr, where they went, so that spans are never lost silently. The Zipkin sink
 * warns as the tracer does; its reports reach the tracer's `onError` once the tracer attaches it.
 */
export function defaultSink(serviceName: string, warnings: boolean): Sink {
  // zipkinHttpSink reads the URL from the environment itself; a bad one throws an OptionsError naming it.
  if (zipkinUrlFromEnvironment() !== undefined) return zipkinHttpSink({ warnings });
  const target = defaultSinkTarget(serviceName);
  // DEFERRED_SPAN_FILE is the user's own choice of file: nothing to tell them.
  const chosen = process.env.DEFERRED_SPAN_FILE !== undefined && process.env.DEFERRED_SPAN_FILE !== '';
  if (!chosen && !announced.has(target.path)) {
    announced.add(target.path);
    process.emitWarning(
      `no sink configured for service "${serviceName}": spans are appended to ${target.path} (NDJSON). ` +
        'Pass { sink } to createTracer/configure, set DEFERRED_SPAN_FILE, or set OTEL_EXPORTER_ZIPKIN_ENDPOINT to send them to Zipkin.',
      { type: 'DeferredSpanNotice', code: 'DEFERRED_SPAN_DEFAULT_SINK' },
    );
  }
  return ndjsonFileSink(target.path);
}
