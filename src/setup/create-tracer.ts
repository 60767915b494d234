import { DeliveryEngine, plainSinkDelivery, writeTransport } from '../deliver/engine.js';
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
  // map lives with the jobs, above the recording core: attached here, not imported by it.
  Object.defineProperty(tracer, 'map', { value: bindMap(tracer), enumerable: true });
  return tracer as TracerImpl & Tracer;
}
