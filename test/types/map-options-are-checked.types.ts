// map's options are checked like any object literal: a misspelt key or a wrong value type does not
// compile, and onProgress receives a MapProgress.
import { extractB3, map, type MapProgress, type Span, type Tracer } from '../../src/index.js';
import { expectType, expectTypeOf, type Equal } from './expect.js';

declare const tracer: Tracer;
declare const span: Span;
declare const items: string[];

export function mapOptionsAreChecked(): void {
  const fn = (_span: Span, item: string) => item;

  void tracer.map(items, fn, {
    name: 'resize images',
    itemName: 'resize image',
    itemKind: 'CLIENT',
    concurrency: 4,
    mode: 'settle',
    signal: AbortSignal.timeout(60_000),
    onProgress: (progress) => expectTypeOf(progress).toEqual<MapProgress>(),
    results: true,
    chunkSize: 10_000,
    parent: span,
    tags: { 'job.id': 42 },
    total: 1_000_000,
  });
  expectType<Equal<MapProgress['done'], number>>();
  expectType<Equal<MapProgress['failed'], number>>();
  expectType<Equal<MapProgress['inFlight'], number>>();
  expectType<Equal<MapProgress['total'], number | undefined>>();

  // Options documented as taking undefined do.
  void map(items, fn, { signal: undefined, onProgress: undefined, chunkSize: undefined, parent: undefined, tags: undefined, total: undefined });
  void map(items, fn, { parent: null });
  void map(items, fn, { parent: extractB3({}) });

  // @ts-expect-error: a misspelt key is an error (excess property check)
  void tracer.map(items, fn, { concurency: 4 });
  // @ts-expect-error: a misspelt key is an error on the module-level map too
  void map(items, fn, { result: false });
  // @ts-expect-error: concurrency is a number
  void tracer.map(items, fn, { concurrency: '4' });
  // @ts-expect-error: signal is an AbortSignal, not its controller
  void tracer.map(items, fn, { signal: new AbortController() });
  // @ts-expect-error: a job has no kind of its own; itemKind is the kind of each item's span
  void tracer.map(items, fn, { kind: 'CLIENT' });
  // @ts-expect-error: parent is a Span, a context or null, not a string
  void tracer.map(items, fn, { parent: 'abc' });
}
