import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareDurations, seededRandom } from '../src/read/compare-stats.js';

/** Pareto with shape 1.5: a finite mean, no finite variance, as GC pauses and retries make latency. */
function paretoRun(random: () => number, n: number, scale: number, shape = 1.5): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(scale / Math.pow(1 - random(), 1 / shape));
  return out.sort();
}

/** Two modes: a cache hit near `fast` µs, a miss near `slow`, a miss with probability `misses`. */
function bimodalRun(random: () => number, n: number, fast: number, slow: number, misses: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    out[i] = Math.round((random() < misses ? slow : fast) * Math.exp(0.1 * z));
  }
  return out.sort();
}

test('identical Pareto runs are rarely called slower or faster (at most 5% of 100 trials per percentile)', () => {
  const random = seededRandom(31);
  const wrong = { p50: 0, p90: 0, p99: 0 };
  for (let trial = 0; trial < 100; trial++) {
    const c = compareDurations(paretoRun(random, 2000, 500), paretoRun(random, 2000, 500), { seed: trial });
    for (const p of ['p50', 'p90', 'p99'] as const) if (c[p].verdict !== 'no change') wrong[p]++;
  }
  for (const [p, count] of Object.entries(wrong)) assert.ok(count <= 5, `${p}: ${count} of 100`);
});

test('a Pareto run scaled by 10% is slower at p50 and p90, whatever its huge outliers', () => {
  const random = seededRandom(32);
  const c = compareDurations(paretoRun(random, 5000, 500), paretoRun(random, 5000, 550));
  assert.equal(c.p50.verdict, 'slower');
  assert.equal(c.p90.verdict, 'slower');
  assert.ok(c.outliers.base!.highSevere > 100, 'a heavy tail has many outliers; they are counted, not dropped');
  // p99 is noisy in a heavy tail: its interval is wide, but it still holds the true +10%.
  assert.ok(c.p99.change!.low < 0.1 && c.p99.change!.high > 0.1, JSON.stringify(c.p99.change));
});

test('bimodal: more cache misses (5% to 15%) move p90 from the fast mode into the slow one, and p50 and p99 hardly', () => {
  const random = seededRandom(33);
  const c = compareDurations(bimodalRun(random, 4000, 200, 5000, 0.05), bimodalRun(random, 4000, 200, 5000, 0.15));
  assert.equal(c.p90.verdict, 'slower');
  assert.ok(c.p90.change!.low > 5, `p90 is 20 times slower: ${JSON.stringify(c.p90.change)}`);
  // p50 stays in the fast mode, a little higher in it; p99 stays in the slow mode.
  assert.ok(Math.abs(c.p50.change!.change) < 0.05, JSON.stringify(c.p50));
  assert.ok(Math.abs(c.p99.change!.change) < 0.1, JSON.stringify(c.p99));
  assert.ok(c.mannWhitney!.p < 0.001, 'the ranks shift: more spans are slow');
  assert.ok(c.mannWhitney!.probabilityBSlower > 0.5);
});

test('identical bimodal runs: no change at any percentile', () => {
  const random = seededRandom(34);
  const c = compareDurations(bimodalRun(random, 4000, 200, 5000, 0.2), bimodalRun(random, 4000, 200, 5000, 0.2));
  assert.deepEqual([c.p50.verdict, c.p90.verdict, c.p99.verdict], ['no change', 'no change', 'no change']);
});
