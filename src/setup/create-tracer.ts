import { DeliveryEngine, plainSinkDelivery, writeTransport } from '../deliver/engine.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { spanFetch, spanRequest, tracerFetch, type TracerFetchOptions } from '../http/client.js';
import { watchHandedOut } from '../http/wire.js';
import { httpHandler, type HttpServerOptions, type TracedRequestListener } from '../http/server.js';
import { bindMap, type MapFunction } from '../jobs/map.js';
import { Diagnostics } from '../model/diagnostics.js';
import { OptionsError } from '../model/options-error.js';
import { TracerImpl, type RecordingTracer } from '../record/tracer.js';
import { resolveTracerOptions, type TracerOptions } from '../record/tracer-options.js';
import { defaultSink } from './default-sink.js';

/** Records spans. Create one with `createTracer`. */
export interface Tracer extends RecordingTracer {
  /**
   * Runs `fn(span, item, index)` over an iterable or async iterable with at most `concurrency`
   * calls in flight, each call a sibling span under one job span; results in input order.
   * Items are read lazily. See `MapOptions` for error modes, abort, progress, `results: false`
   * and `chunkSize`.
   * @example
   * const thumbs = await tracer.map(images, async (span, image) => resize(image), { name: 'thumbnails', concurrency: 4 });
   * @throws {OptionsError} at once for a bad option, naming it, e.g. `concurrency: expected a positive integer`.
   */
  readonly map: MapFunction;
  /**
   * `fetch` with one CLIENT span under `options.parent` (a new trace without one): see `span.fetch`,
   * which is the usual way, with the parent given by the span.
   * @example const res = await tracer.fetch('http://object-server/fragment', undefined, { parent: extractB3(req.headers) });
   * @throws {OptionsError} at once for a misspelt option.
   */
  fetch(input: string | URL | Request, init?: RequestInit, options?: TracerFetchOptions): Promise<Response>;
  /**
   * A `node:http` request listener recording one SERVER span per request: it joins the client's
   * span when the client sent B3 IDs (Zipkin's shared span; `join: false` for a child), is named
   * after the method (and the route when known), tags `http.method`, `http.path`,
   * `http.status_code`, `http.route` and `error` (a throw or rejection of the handler, or a status
   * of 500 and above), and ends on `res`'s `'close'`, so an aborted client is recorded too.
   * @example http.createServer(tracer.httpHandler(async (span, req, res) => res.end(await read(span, req.url))));
   * @throws {OptionsError} at once for a bad option; {TypeError} when `handler` is not a function.
   */
  httpHandler(handler: TracedRequestListener, options?: HttpServerOptions): (req: IncomingMessage, res: ServerResponse) => unknown;
}

/** Queue options of `createTracer` that a delivering sink owns instead. */
const QUEUE_OPTIONS = ['maxQueueSpans', 'maxBatchSpans', 'batchSize'] as const;

/**
 * Creates a tracer. Options are validated now; a bad option throws.
 *
 * Finished spans go into exactly one queue: a delivering sink such as `zipkinHttpSink()` is that
 * queue itself (its reports then also reach this tracer's `onError` and
 * `stats().failures`; it warns by its own `warnings` option); a plain sink (`write(spans)`) gets a delivery engine of the tracer's in front.
 *
 * @example
 * const tracer = createTracer({ serviceName: 'proxy', sink: zipkinHttpSink() });
 * @throws {OptionsError} naming each bad option, e.g. `serviceName: expected a non-empty string, like "checkout"`.
 */
export function createTracer(options: TracerOptions): Tracer {
  const o = resolveTracerOptions(options);
  const diagnostics = new Diagnostics(o.onError, o.warnings);
  // The default sink reports into this tracer's diagnostics: its onError and warnings apply.
  const sink = o.sink ?? defaultSink(o.serviceName, o.warnings);
  let queue: DeliveryEngine;
  if (sink instanceof DeliveryEngine) {
    const given = QUEUE_OPTIONS.filter((k) => (options as unknown as Record<string, unknown>)[k] !== undefined);
    if (given.length > 0) {
      throw new OptionsError(
        'createTracer',
        given.map((k) => `${k}: the sink delivers on its own and its queue is the tracer's; set it on the sink instead, e.g. zipkinHttpSink({ ${k === 'batchSize' ? 'maxBatchSpans' : k}: … })`),
      );
    }
    queue = sink;
    queue.attach(diagnostics);
  } else {
    queue = new DeliveryEngine(writeTransport(sink), plainSinkDelivery(o.maxQueueSpans, o.maxBatchSpans), diagnostics);
  }
  const tracer = new TracerImpl(o, diagnostics, sink, queue);
  // map and the HTTP helpers live above the recording core: attached here, not imported by it.
  tracer.http = {
    fetch: (parent, input, init, options) => spanFetch(tracer, parent, input, init, options),
    request: (parent, args) => spanRequest(tracer, parent, args as Parameters<typeof spanRequest>[2]),
    handedOut: watchHandedOut,
  };
  Object.defineProperties(tracer, {
    map: { value: bindMap(tracer), enumerable: true },
    fetch: { value: (input: string | URL | Request, init?: RequestInit, fetchOptions?: TracerFetchOptions) => tracerFetch(tracer, input, init, fetchOptions), enumerable: true },
    httpHandler: { value: (handler: TracedRequestListener, serverOptions?: HttpServerOptions) => httpHandler(tracer, handler, serverOptions), enumerable: true },
  });
  return tracer as TracerImpl & Tracer;
}
