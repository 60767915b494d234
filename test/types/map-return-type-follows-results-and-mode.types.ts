// `map`'s overloads (MapFunction in src/jobs/map.ts): the resolved type follows `results` and `mode`.
//   results: false                                      -> Promise<MapSummary>
//   mode: 'settle', results true or absent              -> Promise<PromiseSettledResult<Awaited<R>>[]>
//   mode 'failFast' or absent, results true or absent   -> Promise<Awaited<R>[]>
//   options only known as MapOptions                    -> the union of the three
import { map, type MapOptions, type MapSummary, type Span, type SpanContext, type Tracer } from '../../src/index.js';
import { expectType, expectTypeOf, type Equal } from './expect.js';

declare const tracer: Tracer;
declare const urls: string[];
declare const options: MapOptions;
declare const keepResults: boolean;
declare const mode: 'failFast' | 'settle';

type Union<R> = Promise<R[] | PromiseSettledResult<R>[] | MapSummary>;

export function mapReturnTypeFollowsResultsAndMode(): void {
  const status = async (_span: Span, url: string) => url.length;
  const length = (_span: Span, url: string) => url.length;

  // Every result, in input order; an async fn's results are awaited, a sync fn's kept as they are.
  expectTypeOf(tracer.map(urls, status)).toEqual<Promise<number[]>>();
  expectTypeOf(tracer.map(urls, length)).toEqual<Promise<number[]>>();
  expectTypeOf(tracer.map(urls, async (_span, url) => (url ? Promise.resolve(url) : null))).toEqual<Promise<(string | null)[]>>();
  expectTypeOf(tracer.map(urls, status, undefined)).toEqual<Promise<number[]>>();
  expectTypeOf(tracer.map(urls, status, { name: 'check links', concurrency: 16 })).toEqual<Promise<number[]>>();
  expectTypeOf(tracer.map(urls, status, { mode: 'failFast' })).toEqual<Promise<number[]>>();
  expectTypeOf(tracer.map(urls, status, { results: true })).toEqual<Promise<number[]>>();
  expectTypeOf(tracer.map(urls, status, { mode: 'failFast', results: true })).toEqual<Promise<number[]>>();

  // Like Promise.allSettled.
  const settled = tracer.map(urls, status, { mode: 'settle' });
  expectTypeOf(settled).toEqual<Promise<PromiseSettledResult<number>[]>>();
  expectTypeOf(tracer.map(urls, status, { mode: 'settle', results: true, concurrency: 4 })).toEqual<Promise<PromiseSettledResult<number>[]>>();
  const settleConst = { mode: 'settle' } as const;
  expectTypeOf(tracer.map(urls, status, settleConst)).toEqual<Promise<PromiseSettledResult<number>[]>>();
  void (async () => {
    for (const r of await settled) {
      if (r.status === 'fulfilled') expectTypeOf(r.value).toEqual<number>();
    }
  });

  // Counts only, whatever the mode.
  expectTypeOf(tracer.map(urls, status, { results: false })).toEqual<Promise<MapSummary>>();
  expectTypeOf(tracer.map(urls, status, { mode: 'settle', results: false })).toEqual<Promise<MapSummary>>();
  expectTypeOf(tracer.map(urls, status, { mode: 'failFast', results: false, chunkSize: 10_000 })).toEqual<Promise<MapSummary>>();
  expectType<Equal<MapSummary['done'], number>>();
  expectType<Equal<MapSummary['failed'], number>>();
  expectType<Equal<MapSummary['job'], SpanContext>>();

  // Options whose results or mode is not known at compile time: the union.
  expectTypeOf(tracer.map(urls, status, options)).toEqual<Union<number>>();
  expectTypeOf(tracer.map(urls, status, { results: keepResults })).toEqual<Union<number>>();
  expectTypeOf(tracer.map(urls, status, { mode })).toEqual<Union<number>>();

  // A mode widened to string matches no overload: write it inline or `as const`.
  const widened = { mode: 'settle' };
  // @ts-expect-error: mode is `string` here, not 'failFast' | 'settle'
  void tracer.map(urls, status, widened);
  // @ts-expect-error: results is a boolean, not a string
  void tracer.map(urls, status, { results: 'false' });
  // @ts-expect-error: there is no 'allSettled' mode; it is called 'settle'
  void tracer.map(urls, status, { mode: 'allSettled' });

  // The module-level map resolves the same overloads.
  expectTypeOf(map(urls, status)).toEqual<Promise<number[]>>();
  expectTypeOf(map(urls, status, { mode: 'settle' })).toEqual<Promise<PromiseSettledResult<number>[]>>();
  expectTypeOf(map(urls, status, { results: false })).toEqual<Promise<MapSummary>>();
  expectTypeOf(map(urls, status, options)).toEqual<Union<number>>();
}
