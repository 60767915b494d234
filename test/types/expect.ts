// The helpers of the type tests in this folder (the `*.types.ts` files).
//
// No type-testing dependency (tsd, expect-type, vitest's expectTypeOf) is needed: tsconfig.json
// includes test/, and `npm test` runs `tsc -p tsconfig.json --noEmit` before anything else, so a
// wrong type here fails the suite. What must not compile is marked `// @ts-expect-error`, which
// itself fails when the line stops being an error.
//
// The files only need to type-check: the test runner picks up `*.test.ts` only, and each file keeps
// its calls in a function that is never called, over values that are only `declare`d, so importing
// one runs nothing.

/**
 * True when A and B are the same type, false otherwise; stricter than mutual assignability (`any`,
 * `unknown` and `never` only equal themselves, and `readonly` and optional modifiers count).
 */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Compiles only when its type argument is `true`: `expectType<Equal<typeof value, Expected>>()`. */
export function expectType<_Check extends true>(): void {}

/**
 * The same check on an expression: `expectTypeOf(tracer.map(items, fn)).toEqual<Promise<number[]>>()`.
 * When the types differ, tsc reports that the call's `this` is not `{ actual: ...; expected: ... }`,
 * which names both types.
 */
export function expectTypeOf<Actual>(_value: Actual): {
  toEqual<Expected>(this: Equal<Actual, Expected> extends true ? unknown : { actual: Actual; expected: Expected }): void;
} {
  return { toEqual: () => {} };
}
