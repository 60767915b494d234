// `extractB3(headers)` returns `ExtractedContext | undefined` (a SpanContext, or a
// SamplingOnlyContext when only a decision was sent), and that result, as is, is accepted as
// `parent` by traced, startSpan and map.
import { b3Headers, extractB3, map, traced, type ExtractedContext, type SamplingOnlyContext, type SpanContext, type Tracer } from '../../src/index.js';
import { expectType, expectTypeOf, type Equal } from './expect.js';
import type { IncomingHttpHeaders } from 'node:http';

declare const tracer: Tracer;
declare const nodeHeaders: IncomingHttpHeaders;

export function extractB3ReturnsAContextAcceptedAsParent(): void {
  expectType<Equal<ExtractedContext, SpanContext | SamplingOnlyContext>>();

  // From node:http, fetch's Headers, a Map or a plain record.
  const context = extractB3(nodeHeaders);
  expectTypeOf(context).toEqual<ExtractedContext | undefined>();
  expectTypeOf(extractB3(new Headers({ b3: '0' }))).toEqual<ExtractedContext | undefined>();
  expectTypeOf(extractB3(new Map([['X-B3-Sampled', '1']]))).toEqual<ExtractedContext | undefined>();
  expectTypeOf(extractB3({ 'x-b3-traceid': 'a', 'x-b3-spanid': 'b', other: ['c', 'd'], missing: undefined })).toEqual<ExtractedContext | undefined>();

  // Accepted as the parent without narrowing, undefined included.
  tracer.traced((_span) => 1, { parent: context });
  traced((_span) => 1, { parent: context, kind: 'SERVER' });
  tracer.startSpan('get /', { parent: context, join: true });
  void tracer.map([1], (_span, n) => n, { parent: context });
  void map([1], (_span, n) => n, { parent: extractB3(nodeHeaders) });

  // `traceId !== undefined` tells the two apart.
  if (context !== undefined) {
    if (context.traceId !== undefined) {
      expectTypeOf(context).toEqual<SpanContext>();
      expectTypeOf(b3Headers(context)).toEqual<Record<string, string>>();
    } else {
      expectTypeOf(context).toEqual<SamplingOnlyContext>();
      expectTypeOf(context.sampled).toEqual<boolean | undefined>();
    }
  }

  // @ts-expect-error: re-encoding needs IDs; a SamplingOnlyContext has none (narrow on traceId first)
  b3Headers(extractB3(nodeHeaders)!);
  // @ts-expect-error: headers, not a header value
  extractB3('80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1');
  // @ts-expect-error: header values are strings (or string arrays)
  extractB3({ b3: 1 });
  // @ts-expect-error: the headers argument is required
  extractB3();
}
