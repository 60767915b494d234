// `map(items, fn)`: the item type comes from `items` (an Iterable or an AsyncIterable), fn gets
// (span: Span, item, index: number), and an item or index of the wrong type does not compile.
import { map, type MapItemFn, type Span, type Tracer } from '../../src/index.js';
import { expectTypeOf } from './expect.js';

declare const tracer: Tracer;
declare const ids: readonly number[];
declare const tags: Set<string>;
declare const prices: Map<string, number>;
declare const lines: AsyncIterable<string>;
declare const rows: AsyncGenerator<{ readonly id: number }, void, undefined>;

export function mapInfersItemTypeFromArraysSetsAndAsyncIterables(): void {
  // Arrays (and readonly ones), with the span first and the index last.
  void tracer.map(['a.png', 'b.png'], (span, image, index) => {
    expectTypeOf(span).toEqual<Span>();
    expectTypeOf(image).toEqual<string>();
    expectTypeOf(index).toEqual<number>();
  });
  void tracer.map(ids, (_span, id) => expectTypeOf(id).toEqual<number>());
  expectTypeOf(tracer.map(ids, (_span, id) => id)).toEqual<Promise<number[]>>();
  expectTypeOf(tracer.map([1, 'one'] as const, (_span, item) => item)).toEqual<Promise<(1 | 'one')[]>>();

  // Sets and Maps (whose items are entries), and strings (whose items are characters).
  void tracer.map(tags, (_span, tag, index) => {
    expectTypeOf(tag).toEqual<string>();
    expectTypeOf(index).toEqual<number>();
  });
  expectTypeOf(map(prices, (_span, [name, price]) => `${name}: ${price}`)).toEqual<Promise<string[]>>();
  void map(prices, (_span, entry) => expectTypeOf(entry).toEqual<[string, number]>());
  void map('abc', (_span, char) => expectTypeOf(char).toEqual<string>());

  // Generators, async generators and any AsyncIterable.
  function* chunks(): Generator<Uint8Array> {
    yield new Uint8Array(1);
  }
  expectTypeOf(tracer.map(chunks(), (_span, chunk) => chunk.byteLength)).toEqual<Promise<number[]>>();
  void tracer.map(lines, (_span, line, index) => {
    expectTypeOf(line).toEqual<string>();
    expectTypeOf(index).toEqual<number>();
  });
  expectTypeOf(map(rows, async (_span, row) => row.id)).toEqual<Promise<number[]>>();
  expectTypeOf(map(rows, async (_span, row) => row, { mode: 'settle' })).toEqual<Promise<PromiseSettledResult<{ readonly id: number }>[]>>();
  async function* pages() {
    yield* [1, 2, 3];
  }
  expectTypeOf(tracer.map(pages(), (_span, page) => page)).toEqual<Promise<number[]>>();

  // A fn declared apart, as a MapItemFn.
  const toUpper: MapItemFn<string, string> = (_span, tag) => tag.toUpperCase();
  expectTypeOf(tracer.map(tags, toUpper)).toEqual<Promise<string[]>>();

  // @ts-expect-error: the items are numbers, not strings
  void tracer.map(ids, (_span, id: string) => id);
  // @ts-expect-error: a MapItemFn of strings does not fit number items
  void tracer.map(ids, toUpper);
  // @ts-expect-error: the index is a number
  void tracer.map(ids, (_span, _id, index: string) => index);
  // @ts-expect-error: fn receives the span first, not the item
  void map(ids, (id: number) => id);
  // @ts-expect-error: a number is not iterable
  void map(42, (_span, item) => item);
  // @ts-expect-error: a plain object is not iterable
  void tracer.map({ a: 1 }, (_span, item) => item);
  // @ts-expect-error: fn must be a function
  void tracer.map(ids, 'resize');
  // @ts-expect-error: fn is required
  void map(ids);
}
