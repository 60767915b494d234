import type { FlushOptions, FlushResult } from '../model/sink.js';
import { createTracer, type Tracer } from './create-tracer.js';
import type { TracerOptions } from '../record/tracer-options.js';
import type { MapFunction, MapItemFn, MapOptions } from '../jobs/map.js';
import type { Span, TracedOptions } from '../record/span-api.js';

let current: Tracer | undefined;
let generation = 0;

/** The service name when none is configured: OTEL_SERVICE_NAME, else OpenTelemetry's `unknown_service:node`. */
function environmentServiceName(): string {
  const name = process.env.OTEL_SERVICE_NAME;
  return name !== undefined && name.trim() !== '' ? name : 'unknown_service:node';
}

/**
 * Sets up the default tracer used by the module-level `traced`. Options are those of
 * `createTracer`; `serviceName` defaults to `OTEL_SERVICE_NAME`. Functions wrapped before this call
 * use the new tracer from their next call on. The previous default tracer is closed once the calls
 * in flight on it have ended: they still deliver their spans, and then its files and sockets are released.
 *
 * @example configure({ serviceName: 'batch-job', sink: ndjsonFileSink('spans.ndjson') });
 * @throws {OptionsError} naming each bad option.
 */
export function configure(options: Partial<TracerOptions> = {}): Tracer {
  const next = createTracer({ ...options, serviceName: options.serviceName ?? environmentServiceName() });
  const previous = current;
  current = next;
  generation++;
  // Closed once its calls in flight have ended, so its files and sockets are released: 10,000
  // configure() calls must not hold 10,000 of them.
  if (previous) (previous as Tracer & { retire(): void }).retire();
  return next;
}

/**
 * The default tracer: the one `configure` made, else one made on first use from the environment
 * (`OTEL_SERVICE_NAME`, `OTEL_EXPORTER_ZIPKIN_ENDPOINT`), which says once where its spans go.
 */
export function defaultTracer(): Tracer {
  if (current === undefined) {
    current = createTracer({ serviceName: environmentServiceName() });
    generation++;
  }
  return current;
}

/**
 * `traced` on the default tracer: the one-line use.
 * @example
 * import { traced } from 'deferred-span';
 * const fetchUser = traced(async (span, id: string) => db.get(id), { name: 'fetch user' });
 */
export function traced<A extends unknown[], R>(
  fn: (span: Span, ...args: A) => R,
  options?: TracedOptions,
): (...args: A) => Promise<Awaited<R>> {
  if (typeof fn !== 'function') throw new TypeError('traced: fn: expected a function (span, ...args) => value');
  let seen = -1;
  let inner: ((...args: A) => Promise<Awaited<R>>) | undefined;
  return function tracedDefault(this: unknown, ...args: A): Promise<Awaited<R>> {
    // Rewrap only when the default tracer changed: configure() may run after this module loads.
    if (inner === undefined || seen !== generation) {
      const tracer = defaultTracer();
      inner = tracer.traced(fn, options);
      seen = generation;
    }
    return inner.apply(this, args);
  };
}

/**
 * `map` on the default tracer: runs `fn(span, item, index)` over `items`, at most `concurrency` at
 * once, each call a span under one job span. See `MapOptions`.
 * @example
 * import { map } from 'deferred-span';
 * const sizes = await map(urls, async (span, url) => (await fetch(url, { headers: span.b3Headers() })).status, { concurrency: 16 });
 * @throws {OptionsError} at once for a bad option, naming it.
 */
// The overloads only narrow what the one implementation resolves to, hence the cast.
export const map = ((items: Iterable<unknown> | AsyncIterable<unknown>, fn: MapItemFn<unknown, unknown>, options?: MapOptions) =>
  defaultTracer().map(items, fn, options)) as MapFunction;

/** Flushes the default tracer, if there is one. */
export async function flush(options?: FlushOptions): Promise<FlushResult | undefined> {
  return current?.flush(options);
}
