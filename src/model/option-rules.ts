import { kindOf, OptionsError, unknownOptions } from './options-error.js';

// Options are checked by these small rules, not by zod: loading zod (or zod/mini, or zod/v4/core)
// takes 38-50 ms and 12-14 MB, more than the whole library's import (benchmarks/import.mjs), and an
// option error is thrown at once, so no schema can be loaded on demand in an ES module.

/** What a rule returns for a value that failed (its problem is already recorded). */
export const INVALID: unique symbol = Symbol('invalid option');
export type Invalid = typeof INVALID;

/**
 * Checks one option: returns the value to use (its default when absent), or records one problem,
 * `path: what was expected`, and returns INVALID.
 */
export type Rule<T> = (value: unknown, path: string, problems: string[]) => T | Invalid;

/** The rules of an options object, by key. */
export type Shape = Readonly<Record<string, Rule<unknown>>>;

/** The checked options of a shape, each value possibly INVALID (for checks across options). */
export type Checked<S extends Shape> = { -readonly [K in keyof S]: ReturnType<S[K]> };

/** The options of a shape after every rule passed. */
export type Output<S extends Shape> = { -readonly [K in keyof S]: Exclude<ReturnType<S[K]>, Invalid> };

function fail(problems: string[], path: string, message: string): Invalid {
  problems.push(`${path}: ${message}`);
  return INVALID;
}

/** A value that passes `test` is kept as is. */
export function rule<T>(test: (value: unknown) => value is T, error: string): Rule<T>;
export function rule<T>(test: (value: unknown) => boolean, error: string): Rule<T>;
export function rule<T>(test: (value: unknown) => boolean, error: string): Rule<T> {
  return (value, path, problems) => (test(value) ? (value as T) : fail(problems, path, error));
}

/** Absent (undefined) is allowed and stays undefined. */
export function optional<T>(check: Rule<T>): Rule<T | undefined> {
  return (value, path, problems) => (value === undefined ? undefined : check(value, path, problems));
}

/** Absent (undefined) means `fallback`. */
export function withDefault<T>(check: Rule<T>, fallback: T): Rule<T> {
  return (value, path, problems) => (value === undefined ? fallback : check(value, path, problems));
}

/** An integer >= `min` (a safe one: 2^53 is no count of anything). */
export function integer(min: number, error: string): Rule<number> {
  return rule((v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= min, error);
}

/** A finite number from `min` to `max`. */
export function numberIn(min: number, max: number, error: string): Rule<number> {
  return rule((v) => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max, error);
}

export function boolean(error: string): Rule<boolean> {
  return rule((v): v is boolean => typeof v === 'boolean', error);
}

export function nonEmptyString(error: string): Rule<string> {
  return rule((v): v is string => typeof v === 'string' && v.length > 0, error);
}

export function func<F>(error: string): Rule<F> {
  return rule((v): boolean => typeof v === 'function', error);
}

export function oneOf<const T extends string>(values: readonly T[], error: string): Rule<T> {
  return rule((v): v is T => (values as readonly unknown[]).includes(v), error);
}

/** A non-null object, not an array: what an options object is. */
function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** An object of its own keys only (`{ … }` or `Object.create(null)`), not a Date, a Map or a Buffer. */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (!isObject(v)) return false;
  const proto = Object.getPrototypeOf(v) as object | null;
  // Any realm's Object.prototype (a vm context's too) owns isPrototypeOf; other prototypes do not.
  return proto === null || Object.hasOwn(proto, 'isPrototypeOf');
}

/** A plain object whose every value passes `check` (and every key `key`, when given); the result is a copy. */
export function recordOf<T>(check: Rule<T>, error: string, key?: { readonly test: (key: string) => boolean; readonly error: string }): Rule<Record<string, T>> {
  return (value, path, problems) => {
    if (!isPlainObject(value)) return fail(problems, path, error);
    const out: Record<string, T> = {};
    let ok = true;
    for (const name of Object.keys(value)) {
      const v = key !== undefined && !key.test(name) ? fail(problems, `${path}.${name}`, key.error) : check(value[name], `${path}.${name}`, problems);
      if (v === INVALID) ok = false;
      else out[name] = v;
    }
    return ok ? out : INVALID;
  };
}

/** An array whose every item passes `check`; the result is a copy. */
export function arrayOf<T>(check: Rule<T>, error: string): Rule<T[]> {
  return (value, path, problems) => {
    if (!Array.isArray(value)) return fail(problems, path, error);
    let ok = true;
    const out = value.map((item: unknown, i) => {
      const v = check(item, `${path}.${i}`, problems);
      if (v === INVALID) ok = false;
      return v as T;
    });
    return ok ? out : INVALID;
  };
}

/** Checks each key of `shape` in order, then says which given keys it does not know. */
function checkShape<S extends Shape>(shape: S, input: Record<string, unknown>, prefix: string, problems: string[]): Checked<S> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(shape)) {
    const value = shape[key]!(input[key], prefix + key, problems);
    // An absent option stays absent (`{ port: 80 }`, not `{ ipv4: undefined, …, port: 80 }`).
    if (value !== undefined) out[key] = value;
  }
  let unknown: string[] | undefined;
  // for-in, as checkOptionKeys: an inherited enumerable key is as much a mistake as an own one.
  for (const key in input) if (!Object.hasOwn(shape, key)) (unknown ??= []).push(key);
  if (unknown !== undefined) problems.push(unknownOptions(prefix === '' ? '(options)' : prefix.slice(0, -1), unknown, Object.keys(shape)));
  return out as Checked<S>;
}

function isComplete<S extends Shape>(checked: Checked<S>): checked is Checked<S> & Output<S> {
  return !Object.values(checked).includes(INVALID);
}

/** An options object nested in another (`localEndpoint`, `flushOnExit`): every key checked, unknown keys named. */
export function object<S extends Shape>(shape: S, error: string): Rule<Output<S>> {
  return (value, path, problems) => {
    if (!isObject(value)) return fail(problems, path, error);
    const checked = checkShape(shape, value, `${path}.`, problems);
    return isComplete(checked) ? checked : INVALID;
  };
}

/**
 * Checks `input` against `shape`, or throws an `OptionsError` naming every bad option by its path.
 * A non-object gets a sentence, an unknown key the closest known name, and options that throw while
 * read (a Proxy, a throwing getter) an `OptionsError` too, never the raw error. `across` checks
 * options against each other; it sees INVALID for an option that already failed.
 * @throws {OptionsError} naming each bad option.
 */
export function parseOptions<S extends Shape>(where: string, shape: S, input: unknown, across?: (o: Checked<S>, problems: string[]) => void): Output<S> {
  if (input !== undefined && input !== null && !isObject(input)) {
    throw new OptionsError(where, [`(options): expected an options object, like ${where}({ … }), got ${kindOf(input)}`]);
  }
  const problems: string[] = [];
  let checked: Checked<S>;
  try {
    checked = checkShape(shape, input ?? {}, '', problems);
    across?.(checked, problems);
  } catch (error) {
    throw new OptionsError(where, [`(options): reading the options threw (${error instanceof Error ? error.message : 'a non-Error'}); pass a plain object`]);
  }
  if (problems.length > 0 || !isComplete(checked)) throw new OptionsError(where, problems);
  return checked;
}
