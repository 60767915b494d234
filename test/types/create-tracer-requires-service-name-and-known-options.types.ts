// `createTracer(options)` needs `serviceName`; a misspelt option key or a wrong value type does not
// compile (the excess property check on the object literal). `configure` takes the same options,
// all optional.
import { configure, createTracer, memorySink, type Tracer, type TracerOptions } from '../../src/index.js';
import { expectType, expectTypeOf, type Equal } from './expect.js';

export function createTracerRequiresServiceNameAndKnownOptions(): void {
  expectTypeOf(createTracer({ serviceName: 'checkout' })).toEqual<Tracer>();
  expectTypeOf(
    createTracer({
      serviceName: 'checkout',
      sink: memorySink(),
      sampleRate: 0.1,
      traceId128Bit: false,
      localEndpoint: { ipv4: '10.0.0.7', port: 8080 },
      defaultTags: { region: 'eu' },
      onError: (event) => void event,
      warnings: false,
      maxQueueSpans: 10_000,
      maxBatchSpans: 512,
      flushOnExit: { timeoutMillis: 2000, signals: ['SIGTERM'] },
      maxSpanDurationMillis: 60_000,
      trackOrphans: true,
    }),
  ).toEqual<Tracer>();
  createTracer({ serviceName: 'checkout', flushOnExit: true });
  createTracer({ serviceName: 'checkout', batchSize: 100 }); // deprecated, still typed
  expectType<Equal<TracerOptions['serviceName'], string>>();
  expectTypeOf(createTracer({ serviceName: 'x' }).serviceName).toEqual<string>();

  // @ts-expect-error: serviceName is required
  createTracer({});
  // @ts-expect-error: serviceName is required, even with other options
  createTracer({ sampleRate: 1 });
  // @ts-expect-error: the options object is required
  createTracer();
  // @ts-expect-error: serviceName is a string
  createTracer({ serviceName: 42 });
  // @ts-expect-error: a misspelt option is an error (excess property check)
  createTracer({ serviceName: 'checkout', sampelRate: 0.5 });
  // @ts-expect-error: options are camelCase: serviceName, not service_name
  createTracer({ service_name: 'checkout' });
  // @ts-expect-error: sampleRate is a number
  createTracer({ serviceName: 'checkout', sampleRate: '0.5' });
  // @ts-expect-error: the local endpoint's service name is serviceName itself
  createTracer({ serviceName: 'checkout', localEndpoint: { serviceName: 'other' } });
  // @ts-expect-error: defaultTags values are strings
  createTracer({ serviceName: 'checkout', defaultTags: { shard: 3 } });
  // @ts-expect-error: SIGKILL cannot be caught
  createTracer({ serviceName: 'checkout', flushOnExit: { signals: ['SIGKILL'] } });

  // configure: the same options, serviceName optional (it defaults to OTEL_SERVICE_NAME).
  expectTypeOf(configure()).toEqual<Tracer>();
  expectTypeOf(configure({ sink: memorySink() })).toEqual<Tracer>();
  // @ts-expect-error: a misspelt option is an error for configure too
  configure({ servicename: 'checkout' });
}
