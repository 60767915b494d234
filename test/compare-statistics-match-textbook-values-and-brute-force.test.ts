import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bootstrapPercentileChange, compareDurations, hodgesLehmann, kthDifference, mannWhitney, nearestRank, normalQuantile, normalUpperTail,
  resampledRank, seededRandom, tukeyOutliers,
} from '../src/read/compare-stats.js';

const sorted = (values: number[]): number[] => [...values].sort((a, b) => a - b);

test('the seeded generator is reproducible and uniform enough', () => {
  const a = seededRandom(42);
  const b = seededRandom(42);
  const first = Array.from({ length: 5 }, () => a());
  assert.deepEqual(first, Array.from({ length: 5 }, () => b()));
  assert.notDeepEqual(first, Array.from({ length: 5 }, seededRandom(43)));
  const r = seededRandom(1);
  let sum = 0;
  for (let i = 0; i < 100_000; i++) {
    const u = r();
    assert.ok(u >= 0 && u < 1);
    sum += u;
  }
  assert.ok(Math.abs(sum / 100_000 - 0.5) < 0.005);
});

test('the normal tail and quantile agree with tables', () => {
  // Relative errors below 1.2e-7 (the fit's bound), at the centre and far in the tail.
  assert.ok(Math.abs(normalUpperTail(1.959963985) / 0.025 - 1) < 1.2e-7);
  assert.ok(Math.abs(normalUpperTail(0) / 0.5 - 1) < 1.2e-7);
  assert.ok(Math.abs(normalUpperTail(3) / 0.0013498980316 - 1) < 1.2e-7);
  assert.ok(Math.abs(normalUpperTail(8) / 6.22096057e-16 - 1) < 1.2e-7);
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963985) < 1e-8);
  assert.ok(Math.abs(normalQuantile(0.001) + 3.090232306) < 1e-8);
});

test('Mann-Whitney U: exact p without ties, normal with tie and continuity corrections as by hand', () => {
  // All of B above all of A, 3 and 3: 1 split of 20 is as extreme each way.
  assert.ok(Math.abs(mannWhitney([1, 2, 3], [4, 5, 6])!.p - 0.1) < 1e-12);
  // U = 6 of 9 for B; U's counts over the 20 splits are 1 1 2 3 3 3 3 2 1 1, so P(U >= 6) = 7/20.
  const interleaved = mannWhitney([1, 4, 6], [2, 5, 7])!;
  assert.equal(interleaved.u, 6);
  assert.ok(Math.abs(interleaved.p - 0.7) < 1e-12, String(interleaved.p));
  // [100 200 300 400] vs [200 400 600 800]: U = 13 with two ties of two; by hand
  // var = 16/12 · (9 − 12/56), z = (13 − 8 − 0.5) / sqrt(var), p = 2·P(Z > z) = 0.18860.
  const tied = mannWhitney([100, 200, 300, 400], [200, 400, 600, 800])!;
  assert.equal(tied.exact, false);
  assert.equal(tied.u, 13);
  const z = 4.5 / Math.sqrt((16 / 12) * (9 - 12 / 56));
  assert.ok(Math.abs(tied.z! - z) < 1e-12);
  assert.ok(Math.abs(tied.p - 2 * normalUpperTail(z)) < 1e-12);
  assert.ok(Math.abs(tied.p - 0.1886) < 1e-3);
  // All equal: no evidence of anything.
  assert.equal(mannWhitney([5, 5, 5], [5, 5])!.p, 1);
});

test('the exact and normal p-values agree where both apply (30 spans a side)', () => {
  const r = seededRandom(5);
  const a = sorted(Array.from({ length: 30 }, () => r() * 1000));
  const b = sorted(Array.from({ length: 30 }, () => r() * 1000 + 150));
  const exact = mannWhitney(a, b)!;
  assert.equal(exact.exact, true);
  const total = 60;
  const z = (Math.abs(exact.u - 450) - 0.5) / Math.sqrt((900 * (total + 1)) / 12);
  assert.ok(Math.abs(exact.p - 2 * normalUpperTail(z)) < 0.01, `${exact.p} vs ${2 * normalUpperTail(z)}`);
});

test('Hodges-Lehmann and the k-th difference equal a brute-force listing of every difference', () => {
  const r = seededRandom(9);
  let intervals = 0;
  for (let trial = 0; trial < 20; trial++) {
    const a = sorted(Array.from({ length: 3 + Math.floor(r() * 40) }, () => Math.round(r() * 500)));
    const b = sorted(Array.from({ length: 3 + Math.floor(r() * 40) }, () => Math.round(r() * 500 + 50)));
    const diffs = sorted(b.flatMap((y) => a.map((x) => y - x)));
    for (const k of [1, Math.ceil(diffs.length / 3), diffs.length]) assert.equal(kthDifference(a, b, k), diffs[k - 1]);
    const m = diffs.length;
    const median = m % 2 === 1 ? diffs[(m - 1) / 2]! : (diffs[m / 2 - 1]! + diffs[m / 2]!) / 2;
    const hl = hodgesLehmann(a, b)!;
    assert.equal(hl.shift, median);
    if (hl.low !== null) {
      assert.ok(hl.low <= hl.shift && hl.shift <= hl.high!);
      intervals++;
    }
  }
  // The interval check above must have run: samples this size have one.
  assert.equal(intervals, 20, 'every trial had an interval to check');
  assert.equal(hodgesLehmann([10, 20, 30], [15, 25, 35])!.shift, 5);
  // Fractional durations: differences are compared as computed, so none is lost to rounding.
  assert.equal(kthDifference([0.1, 0.2, 0.3], [0.15, 0.25, 0.35], 5), 0.25 - 0.2);
});

test('Tukey fences count mild and severe outliers on each side, from nearest-rank quartiles', () => {
  // Q1 = 10, Q3 = 20 (nearest rank of 12 values), IQR 10: mild beyond 5 / 35, severe beyond −20 / 50.
  const values = sorted([-30, -10, 10, 10, 12, 14, 16, 18, 20, 20, 40, 60]);
  const t = tukeyOutliers(values)!;
  assert.deepEqual(t, { q1: 10, q3: 20, iqr: 10, lowMild: 1, lowSevere: 1, highMild: 1, highSevere: 1, total: 4 });
  assert.equal(tukeyOutliers([]), undefined);
});

test('a resampled order statistic has the distribution of resampling indices and sorting', () => {
  // n = 20, the 10th smallest: P(rank <= j) = P(Binomial(20, j/20) >= 10), drawn both ways.
  const n = 20;
  const k = 10;
  const draws = 20_000;
  const direct = new Float64Array(n + 1);
  const naive = new Float64Array(n + 1);
  const r = seededRandom(3);
  for (let i = 0; i < draws; i++) {
    direct[resampledRank(n, k, r)]! += 1;
    const picks = Array.from({ length: n }, () => 1 + Math.floor(r() * n)).sort((x, y) => x - y);
    naive[picks[k - 1]!]! += 1;
  }
  let cd = 0;
  let cn = 0;
  let worst = 0;
  for (let j = 1; j <= n; j++) {
    cd += direct[j]! / draws;
    cn += naive[j]! / draws;
    worst = Math.max(worst, Math.abs(cd - cn));
  }
  // Two samples of 20,000 from one distribution: a KS distance above 0.02 would be very unlikely.
  assert.ok(worst < 0.02, `KS distance ${worst}`);
});

test('intervals are reproducible: the same seed gives the same figures, another seed others', () => {
  const r = seededRandom(8);
  const a = sorted(Array.from({ length: 500 }, () => 1000 + r() * 300));
  const b = sorted(Array.from({ length: 500 }, () => 1020 + r() * 300));
  assert.deepEqual(compareDurations(a, b, { seed: 1 }), compareDurations(a, b, { seed: 1 }));
  assert.notDeepEqual(compareDurations(a, b, { seed: 1 }).p50.change, compareDurations(a, b, { seed: 2 }).p50.change);
  const ci = bootstrapPercentileChange(a, b, 50, { random: seededRandom(1) })!;
  assert.ok(ci.low <= ci.change && ci.change <= ci.high);
  assert.equal(nearestRank(500, 50), 250);
});

test('100,000 spans a side are compared in well under a second (sort once, draw ranks, count pairs in linear time)', () => {
  const r = seededRandom(4);
  const a = Float64Array.from({ length: 100_000 }, () => Math.round(1000 * Math.exp(0.3 * (r() + r() + r() - 1.5)))).sort();
  const b = Float64Array.from({ length: 100_000 }, () => Math.round(1030 * Math.exp(0.3 * (r() + r() + r() - 1.5)))).sort();
  const started = performance.now();
  const c = compareDurations(a, b);
  const took = performance.now() - started;
  assert.equal(c.verdict, 'slower');
  assert.ok(took < 2000, `took ${took.toFixed(0)} ms`);
});
