// `parent` (Parent | null | undefined) takes a Span, its SpanContext, a SamplingOnlyContext, a
// zipkin-js TraceId, null (a new trace) or undefined (also a new trace), and nothing else.
import { createTracer, type Parent, type SamplingOnlyContext, type Span, type SpanContext, type Tracer } from '../../src/index.js';
import type zipkin from 'zipkin';

declare const tracer: Tracer;
declare const span: Span;
declare const context: SpanContext;
declare const samplingOnly: SamplingOnlyContext;
declare const zipkinTraceId: zipkin.TraceId;
declare const maybeParent: Parent | undefined;

export function parentAcceptsSpansContextsAndNull(): void {
  const work = (_span: Span) => 1;
  for (const parent of [span, span.context, context, samplingOnly, zipkinTraceId, null, undefined, maybeParent]) {
    tracer.traced(work, { parent });
    tracer.startSpan('x', { parent });
    void tracer.map([1], work, { parent });
  }
  // A parent from another tracer is fine: any Span is.
  tracer.traced(work, { parent: createTracer({ serviceName: 'other' }).startSpan('x') });

  // @ts-expect-error: a trace ID string is not a parent; pass a SpanContext
  tracer.traced(work, { parent: '80f198ee56343ba864fe8b2a57d3eff7' });
  // @ts-expect-error: a context needs its flags: sampled, debug and shared
  tracer.startSpan('x', { parent: { traceId: '80f198ee56343ba864fe8b2a57d3eff7', spanId: 'e457b5a2e4d86bd1' } });
  // @ts-expect-error: a number is not a parent
  tracer.startSpan('x', { parent: 0 });
}
