// Span's methods: tag, annotate and setRemoteEndpoint return the span itself (`this`, so a subtype
// stays a subtype), end and fail return nothing, b3Headers returns a string record, and each
// argument is typed.
import type { Span, SpanContext } from '../../src/index.js';
import { expectTypeOf } from './expect.js';

declare const span: Span;
declare const otherContext: SpanContext;

interface HttpSpan extends Span {
  status(code: number): this;
}
declare const httpSpan: HttpSpan;

export function spanMethodsChainAndReturnTheirTypes(): void {
  expectTypeOf(span.tag('http.status_code', 200)).toEqual<Span>();
  expectTypeOf(span.annotate('headers received')).toEqual<Span>();
  expectTypeOf(span.annotate('headers received', Date.now() * 1000)).toEqual<Span>();
  expectTypeOf(span.setRemoteEndpoint({ serviceName: 'db', ipv4: '10.0.0.7', port: 5432 })).toEqual<Span>();
  expectTypeOf(span.tag('a', 1).annotate('b').setRemoteEndpoint({}).tag('c', true)).toEqual<Span>();
  expectTypeOf(span.tag('a', 1).end()).toEqual<void>();
  expectTypeOf(span.end(Date.now() * 1000)).toEqual<void>();
  expectTypeOf(span.fail(new Error('boom'))).toEqual<void>();
  expectTypeOf(span.fail('any reason at all', Date.now() * 1000)).toEqual<void>();

  // `this` return types keep a subtype through the chain.
  expectTypeOf(httpSpan.tag('a', 1).annotate('b').status(200)).toEqual<HttpSpan>();

  // Tag values may be anything (they are stored as strings); annotations are strings.
  span.tag('obj', { a: 1 }).tag('n', 1n).tag('u', undefined).tag('nul', null);

  // Read-only properties.
  expectTypeOf(span.context).toEqual<SpanContext>();
  expectTypeOf(span.isRecording).toEqual<boolean>();

  // B3 headers: multi (default) or single, as a string record.
  expectTypeOf(span.b3Headers()).toEqual<Record<string, string>>();
  expectTypeOf(span.b3Headers('multi')).toEqual<Record<string, string>>();
  expectTypeOf(span.b3Headers('single')).toEqual<Record<string, string>>();
  // Under noUncheckedIndexedAccess a header read may be undefined, even `b3` of 'single'.
  expectTypeOf(span.b3Headers('single')['b3']).toEqual<string | undefined>();
  const init: Record<string, string> = { accept: 'application/json', ...span.b3Headers() };
  void init;

  // @ts-expect-error: the key is a string
  span.tag(1, 'x');
  // @ts-expect-error: a tag needs a value
  span.tag('x');
  // @ts-expect-error: an annotation's value is a string
  span.annotate(42);
  // @ts-expect-error: an annotation's timestamp is epoch microseconds, a number
  span.annotate('x', new Date());
  // @ts-expect-error: 'b3' is not a format; it is 'multi' or 'single'
  span.b3Headers('b3');
  // @ts-expect-error: port is a number
  span.setRemoteEndpoint({ port: '5432' });
  // @ts-expect-error: a misspelt endpoint field is an error (excess property check)
  span.setRemoteEndpoint({ ip: '10.0.0.7' });
  // @ts-expect-error: end returns nothing to chain on
  span.end().tag('a', 1);
  // @ts-expect-error: the context is read-only
  span.context = otherContext;
}
