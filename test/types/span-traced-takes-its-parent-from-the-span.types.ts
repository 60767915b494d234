// `span.traced(fn, options)` is `tracer.traced` with the span as parent: the same wrapper type, and
// every option but `parent`.
import type { Span } from '../../src/index.js';
import { expectType, type Equal } from './expect.js';

declare const span: Span;

export function spanTracedTakesItsParentFromTheSpan(): void {
  const child = span.traced(async (_child, key: string, ttlSeconds: number) => ({ key, ttlSeconds }));
  expectType<Equal<Parameters<typeof child>, [key: string, ttlSeconds: number]>>();
  expectType<Equal<ReturnType<typeof child>, Promise<{ key: string; ttlSeconds: number }>>>();
  void child('k', 60);
  // @ts-expect-error: ttlSeconds must be a number
  void child('k', '60');

  span.traced((childSpan) => {
    expectType<Equal<typeof childSpan, Span>>();
    childSpan.end();
  });

  span.traced((_child) => 1, { name: 'cache get', kind: 'CLIENT', tags: { 'cache.key': 'k', hits: 3 }, remoteEndpoint: { serviceName: 'redis', port: 6379 } });
  // @ts-expect-error: the parent is the span itself; `parent` is not an option here
  span.traced((_child) => 1, { parent: null });
  // @ts-expect-error: a misspelt option is an error (excess property check)
  span.traced((_child) => 1, { nmae: 'cache get' });
}
