// `tracer.traced(fn)` and the module-level `traced(fn)`: the wrapper takes fn's parameters after
// the span, and resolves to `Promise<Awaited<R>>` whether fn is sync or async.
import { traced, type Span, type Tracer } from '../../src/index.js';
import { expectType, type Equal } from './expect.js';

declare const tracer: Tracer;

interface User {
  readonly id: string;
}

export function tracedKeepsArgumentAndResultTypes(): void {
  // An async fn: the wrapper's parameters are fn's after the span; the promise is not doubled.
  const getUser = tracer.traced(async (_span, id: string, retries: number) => ({ id, retries }) as User);
  expectType<Equal<Parameters<typeof getUser>, [id: string, retries: number]>>();
  expectType<Equal<ReturnType<typeof getUser>, Promise<User>>>();
  void getUser('42', 3);

  // A sync fn: the wrapper still returns a promise of its value.
  const double = traced((_span, n: number) => n * 2);
  expectType<Equal<Parameters<typeof double>, [n: number]>>();
  expectType<Equal<ReturnType<typeof double>, Promise<number>>>();
  void double(21);

  // No parameters after the span: the wrapper takes none.
  const ping = tracer.traced((_span: Span) => 'pong' as const);
  expectType<Equal<Parameters<typeof ping>, []>>();
  expectType<Equal<ReturnType<typeof ping>, Promise<'pong'>>>();
  void ping();

  // void, async void, nested promises and sync-or-async unions all come out as Promise<Awaited<R>>.
  const log = tracer.traced((_span, message: string): void => {
    void message;
  });
  expectType<Equal<ReturnType<typeof log>, Promise<void>>>();
  void log('hello');
  const fireAndForget = traced(async (_span) => {
    await Promise.resolve();
  });
  expectType<Equal<ReturnType<typeof fireAndForget>, Promise<void>>>();
  void fireAndForget();
  const nested = tracer.traced((_span) => Promise.resolve(Promise.resolve(1)));
  expectType<Equal<ReturnType<typeof nested>, Promise<number>>>();
  void nested();
  const either = traced((_span, cached: boolean) => (cached ? 'hit' : Promise.resolve(0)));
  expectType<Equal<ReturnType<typeof either>, Promise<'hit' | number>>>();
  void either(true);

  // Optional and rest parameters keep their shape.
  const optional = tracer.traced((_span, url: string, timeoutMillis?: number) => url + String(timeoutMillis));
  expectType<Equal<Parameters<typeof optional>, [url: string, timeoutMillis?: number]>>();
  void optional('http://x');
  void optional('http://x', 5);
  const rest = traced((_span, first: string, ...others: number[]) => [first, ...others]);
  expectType<Equal<Parameters<typeof rest>, [first: string, ...others: number[]]>>();
  expectType<Equal<ReturnType<typeof rest>, Promise<(string | number)[]>>>();
  void rest('a');
  void rest('a', 1, 2, 3);

  // The span parameter is a Span without an annotation.
  tracer.traced((span) => {
    expectType<Equal<typeof span, Span>>();
    span.end();
  });
  traced((span) => {
    expectType<Equal<typeof span, Span>>();
    span.end();
  });

  // A generic fn stays generic.
  const identity = tracer.traced(<T>(_span: Span, value: T) => value);
  expectType<Equal<ReturnType<typeof identity<Date>>, Promise<Date>>>();
  expectType<Equal<ReturnType<typeof identity<Promise<string>>>, Promise<string>>>();
  void identity(new Date());

  // Assigned to a declared function type, fn's parameters are inferred from it.
  const byId: (id: string) => Promise<number> = traced(async (_span, id) => {
    expectType<Equal<typeof id, string>>();
    return id.length;
  });
  void byId;

  // The module-level `traced` has exactly the tracer method's signature.
  expectType<Equal<typeof traced, Tracer['traced']>>();
}
