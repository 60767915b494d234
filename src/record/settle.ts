import type { Span } from './span-api.js';

/**
 * The settle handlers of a traced call, bound to its span: two bound functions hold less memory per
 * call in flight than two closures and their context. Object-literal methods, because a bundler's
 * keepNames redefines the `name` of named functions, which sends `bind` down a slow path that
 * costs hundreds of bytes per call.
 */
export const settle = {
  ended<T>(this: Span, value: T): T {
    this.end();
    return value;
  },
  failed(this: Span, error: unknown): never {
    this.fail(error);
    throw error;
  },
};
