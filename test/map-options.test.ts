import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OptionsError, type MapOptions } from '../src/index.js';
import { tracerWithSink } from './fixtures/map-helpers.js';

const { tracer } = tracerWithSink();

/** Calls map with `options` and returns the OptionsError it throws at once (before returning a promise). */
function problemsOf(options: unknown): readonly string[] {
  let calls = 0;
  try {
    void tracer.map([1], () => calls++, options as MapOptions);
  } catch (error) {
    assert.ok(error instanceof OptionsError, `expected an OptionsError, got ${String(error)}`);
    assert.equal(calls, 0, 'nothing ran');
    return error.problems;
  }
  assert.fail('map did not throw');
}

test('bad map options throw at once, each naming the option path, what was expected and an example', () => {
  const cases: [unknown, string][] = [
    [{ concurrency: 0 }, 'concurrency: expected a positive integer, like 8'],
    [{ concurrency: 2.5 }, 'concurrency: expected a positive integer, like 8'],
    [{ concurrency: Infinity }, 'concurrency: expected a positive integer, like 8'],
    [{ concurrency: '4' }, 'concurrency: expected a positive integer, like 8'],
    [{ mode: 'allSettled' }, 'mode: expected "failFast" (reject on the first error) or "settle"'],
    [{ chunkSize: 0 }, 'chunkSize: expected a positive integer, like 10000'],
    [{ signal: { aborted: false } }, 'signal: expected an AbortSignal'],
    [{ onProgress: 'yes' }, 'onProgress: expected a function'],
    [{ results: 'no' }, 'results: expected true (keep results, in input order) or false'],
    [{ name: '' }, 'name: expected a non-empty string'],
    [{ itemKind: 'client' }, 'itemKind: expected "CLIENT", "SERVER", "PRODUCER" or "CONSUMER"'],
    [{ total: -1 }, 'total: expected a whole number of items'],
    [{ tags: { a: 1 }, parent: 'root' }, 'parent: expected a Span, a SpanContext, a zipkin-js TraceId or null'],
    [{ concurency: 4 }, '(options): unknown option(s) "concurency"; check the spelling against the README'],
  ];
  for (const [options, expected] of cases) {
    const problems = problemsOf(options);
    assert.equal(problems.length, 1, `one problem for ${JSON.stringify(options)}: ${problems.join(' | ')}`);
    assert.ok(problems[0]!.startsWith(expected), `${JSON.stringify(options)}: got "${problems[0]}"`);
  }
});

test('every bad option is named in one error', () => {
  const problems = problemsOf({ concurrency: -1, mode: 'x' });
  assert.deepEqual(problems.map((p) => p.split(':')[0]), ['concurrency', 'mode']);
});

test('items that are not iterable and an fn that is not a function throw a TypeError naming them', () => {
  assert.throws(() => tracer.map(42 as never, () => 1), { name: 'TypeError', message: /^map: items: expected an iterable or an async iterable/ });
  assert.throws(() => tracer.map(null as never, () => 1), { name: 'TypeError', message: /^map: items: / });
  assert.throws(() => tracer.map([1], 'fn' as never), { name: 'TypeError', message: /^map: fn: expected a function/ });
});
