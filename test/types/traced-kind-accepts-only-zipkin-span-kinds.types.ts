// `kind` takes Zipkin's four span kinds, spelt as Zipkin spells them, wherever a span is made:
// tracer.traced, the module-level traced, span.traced, startSpan and map's itemKind.
import { map, traced, type Span, type SpanKind, type Tracer } from '../../src/index.js';
import { expectType, type Equal } from './expect.js';

declare const tracer: Tracer;
declare const span: Span;
declare const someString: string;

export function tracedKindAcceptsOnlyZipkinSpanKinds(): void {
  expectType<Equal<SpanKind, 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER'>>();

  const work = (_span: Span) => 1;
  tracer.traced(work, { kind: 'CLIENT' });
  tracer.traced(work, { kind: 'SERVER' });
  tracer.traced(work, { kind: 'PRODUCER' });
  tracer.traced(work, { kind: 'CONSUMER' });
  tracer.traced(work, {}); // absent: a local span
  const kinds: readonly SpanKind[] = ['CLIENT', 'SERVER'];
  for (const kind of kinds) tracer.traced(work, { kind });

  // @ts-expect-error: kinds are upper case
  tracer.traced(work, { kind: 'client' });
  // @ts-expect-error: Zipkin has no INTERNAL kind; leave kind out for a local span
  tracer.traced(work, { kind: 'INTERNAL' });
  // @ts-expect-error: an arbitrary string is not a kind
  tracer.traced(work, { kind: someString });

  traced(work, { kind: 'PRODUCER' });
  // @ts-expect-error: kinds are upper case (module-level traced)
  traced(work, { kind: 'producer' });

  span.traced(work, { kind: 'CLIENT' });
  // @ts-expect-error: kinds are upper case (span.traced)
  span.traced(work, { kind: 'Client' });

  tracer.startSpan('get /users', { kind: 'SERVER' });
  // @ts-expect-error: LOCAL is not a kind (startSpan)
  tracer.startSpan('get /users', { kind: 'LOCAL' });

  void map([1, 2], (_span, n) => n, { itemKind: 'CLIENT' });
  // @ts-expect-error: kinds are upper case (map's itemKind)
  void tracer.map([1, 2], (_span, n) => n, { itemKind: 'client' });
}
