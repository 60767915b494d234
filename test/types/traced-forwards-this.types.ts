// The wrapper forwards its caller's `this` to fn. A `this` parameter on fn does not get in the way:
// fn's body sees the declared `this`, the wrapper's parameters still start after the span, and the
// wrapper is callable as a method of an object or a class.
//
// Not checked here, because the types do not do it yet: the wrapper does not carry fn's `this`
// (its type has no `this` parameter), so a detached call `const f = obj.method; f()` compiles
// although fn would see `this === undefined`. When the signature carries it, add a
// `// @ts-expect-error` for that detached call.
import { traced, type Span, type Tracer } from '../../src/index.js';
import { expectType, type Equal } from './expect.js';

declare const tracer: Tracer;

interface Repository {
  readonly table: string;
}

export function tracedForwardsThis(): void {
  const find = tracer.traced(function (this: Repository, _span: Span, id: number) {
    expectType<Equal<typeof this, Repository>>();
    return `${this.table}/${id}`;
  });
  expectType<Equal<Parameters<typeof find>, [id: number]>>();
  expectType<Equal<ReturnType<typeof find>, Promise<string>>>();

  // As a property of an object whose shape fits `this`.
  const users = { table: 'users', find };
  expectType<Equal<ReturnType<typeof users.find>, Promise<string>>>();
  void users.find(1);
  // @ts-expect-error: the method's argument is still checked
  void users.find('1');

  // As a class field: `this` is the instance.
  class Orders {
    readonly table = 'orders';
    readonly count = traced(async function (this: Orders, span: Span, status: 'open' | 'closed') {
      span.tag('table', this.table);
      return status.length;
    });
  }
  const orders = new Orders();
  expectType<Equal<ReturnType<typeof orders.count>, Promise<number>>>();
  void orders.count('open');
  // @ts-expect-error: 'pending' is not a status
  void orders.count('pending');

  // A `this: void` fn (one that promises not to use `this`) works as well.
  const plain = traced(function (this: void, _span: Span, n: number) {
    return n + 1;
  });
  expectType<Equal<Parameters<typeof plain>, [n: number]>>();
  void plain(1);
}
