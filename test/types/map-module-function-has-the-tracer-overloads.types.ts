// The module-level `map` and `tracer.map` are both exactly MapFunction, so every overload checked in
// the other map files holds for both.
import { map, type MapFunction, type Tracer } from '../../src/index.js';
import { expectType, type Equal } from './expect.js';

export function mapModuleFunctionHasTheTracerOverloads(): void {
  expectType<Equal<typeof map, MapFunction>>();
  expectType<Equal<Tracer['map'], MapFunction>>();
  // @ts-expect-error: map is read-only on a tracer
  ({} as Tracer).map = map;
}
