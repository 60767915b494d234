import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareDurations, minSpansFor } from '../src/read/compare-stats.js';

test('each percentile needs 10 spans beyond it in each run: 20 for p50, 100 for p90, 1,000 for p99', () => {
  assert.deepEqual([minSpansFor(50), minSpansFor(90), minSpansFor(99)], [20, 100, 1000]);
});

test('five spans a run, even twice as slow, are not enough data for any percentile; Mann-Whitney is exact', () => {
  const c = compareDurations([100, 110, 120, 130, 140], [200, 220, 240, 260, 280]);
  assert.deepEqual([c.p50.verdict, c.p90.verdict, c.p99.verdict, c.verdict], ['not enough data', 'not enough data', 'not enough data', 'not enough data']);
  assert.equal(c.p99.minSpans, 1000);
  // The figures are still given: B is slower in every pair, and exactly 2 of the 252 splits are as extreme.
  assert.equal(c.p50.change!.change, 1);
  assert.equal(c.mannWhitney!.exact, true);
  assert.equal(c.mannWhitney!.u, 25);
  assert.ok(Math.abs(c.mannWhitney!.p - 2 / 252) < 1e-12, String(c.mannWhitney!.p));
});

test('just enough for p50 but not for p90 or p99: 20 spans a run', () => {
  const a = Array.from({ length: 20 }, (_, i) => 1000 + i * 10);
  const b = a.map((v) => v * 1.5);
  const c = compareDurations(a, b);
  assert.equal(c.p50.verdict, 'slower');
  assert.equal(c.p90.verdict, 'not enough data');
  assert.equal(c.p99.verdict, 'not enough data');
  const fewer = compareDurations(a.slice(0, 19), b.slice(0, 19));
  assert.equal(fewer.p50.verdict, 'not enough data');
});

test('a run without durations gives no figures, and empty runs do not throw', () => {
  const c = compareDurations([], [1, 2, 3]);
  assert.equal(c.p50.change, null);
  assert.equal(c.p50.base, null);
  assert.equal(c.mannWhitney, null);
  assert.equal(c.shift, null);
  assert.equal(c.outliers.base, null);
  assert.equal(c.verdict, 'not enough data');
});

test('unsorted durations are a RangeError, not a wrong answer', () => {
  assert.throws(() => compareDurations([3, 1, 2], [1, 2, 3]), RangeError);
  assert.throws(() => compareDurations([1, NaN], [1, 2]), RangeError);
});
