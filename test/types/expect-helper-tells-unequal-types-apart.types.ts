// The helpers themselves: if `Equal` or `expectTypeOf` were too loose, every other file here would
// pass vacuously.
import { expectType, expectTypeOf, type Equal } from './expect.js';

declare const anything: any; // eslint-disable-line @typescript-eslint/no-explicit-any

export function expectHelperTellsUnequalTypesApart(): void {
  expectType<Equal<Promise<number>, Promise<number>>>();
  expectType<Equal<[id: string], [string]>>(); // tuple labels are documentation only

  // @ts-expect-error: number is not string
  expectType<Equal<number, string>>();
  // @ts-expect-error: any is not number, though each is assignable to the other
  expectType<Equal<any, number>>(); // eslint-disable-line @typescript-eslint/no-explicit-any
  // @ts-expect-error: unknown is not a union of everything
  expectType<Equal<unknown, string | number>>();
  // @ts-expect-error: a subtype is not the same type
  expectType<Equal<'a', string>>();
  // @ts-expect-error: an optional parameter is not a required one
  expectType<Equal<[string, number?], [string, number]>>();
  // @ts-expect-error: readonly counts
  expectType<Equal<readonly string[], string[]>>();
  // @ts-expect-error: Promise<Promise<T>> is not Promise<T>
  expectType<Equal<Promise<Promise<number>>, Promise<number>>>();
  // @ts-expect-error: a union is not one of its members
  expectType<Equal<Promise<number[] | string[]>, Promise<number[]>>>();

  expectTypeOf(Promise.resolve(1)).toEqual<Promise<number>>();
  // @ts-expect-error: the value form rejects a different type
  expectTypeOf(Promise.resolve(1)).toEqual<Promise<string>>();
  // @ts-expect-error: the value form rejects any
  expectTypeOf(anything).toEqual<number>();
  // @ts-expect-error: the value form rejects a subtype
  expectTypeOf('a' as const).toEqual<string>();
}
