// `tracer.startSpan(name, options?)` returns a Span; its options are TracedOptions plus `join`
// (a boolean) and `startTimestamp` (epoch microseconds, a number).
import { extractB3, type Span, type StartSpanOptions, type TracedOptions, type Tracer } from '../../src/index.js';
import { expectType, expectTypeOf, type Equal } from './expect.js';
import type { IncomingHttpHeaders } from 'node:http';

declare const tracer: Tracer;
declare const headers: IncomingHttpHeaders;
declare const parent: Span;

export function startSpanReturnsASpanWithTypedOptions(): void {
  expectTypeOf(tracer.startSpan('get /object')).toEqual<Span>();
  expectTypeOf(
    tracer.startSpan('get /object', {
      kind: 'SERVER',
      parent: extractB3(headers),
      join: true,
      startTimestamp: Date.now() * 1000,
      tags: { 'http.method': 'GET' },
      remoteEndpoint: { ipv4: '10.0.0.7', port: 443 },
    }),
  ).toEqual<Span>();
  expectTypeOf(tracer.startSpan('child', { parent })).toEqual<Span>();
  expectTypeOf(tracer.startSpan('root', { parent: null })).toEqual<Span>();

  expectType<Equal<StartSpanOptions['join'], boolean | undefined>>();
  expectType<Equal<StartSpanOptions['startTimestamp'], number | undefined>>();
  // Every TracedOptions is a StartSpanOptions.
  const traced: TracedOptions = { name: 'x', kind: 'CLIENT' };
  tracer.startSpan('x', traced);

  // @ts-expect-error: the name is required
  tracer.startSpan();
  // @ts-expect-error: the name is a string
  tracer.startSpan(42);
  // @ts-expect-error: the options are the second argument, after the name
  tracer.startSpan({ name: 'x' });
  // @ts-expect-error: join is a boolean
  tracer.startSpan('x', { join: 'yes' });
  // @ts-expect-error: startTimestamp is a number of microseconds, not a Date
  tracer.startSpan('x', { startTimestamp: new Date() });
  // @ts-expect-error: a misspelt option is an error (excess property check)
  tracer.startSpan('x', { startTime: 1 });
}
