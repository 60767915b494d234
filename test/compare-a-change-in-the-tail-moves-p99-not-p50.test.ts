import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareDurations, seededRandom } from '../src/read/compare-stats.js';

function lognormal(random: () => number, median: number, sigma: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return median * Math.exp(sigma * z);
}

test('when only the slowest 3% of spans get slower (a lock held now and then), p99 is slower and p50 is no change', () => {
  const random = seededRandom(21);
  const n = 5000;
  const base = new Float64Array(n);
  const other = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    base[i] = Math.round(lognormal(random, 1000, 0.3));
    // 3% of B's spans wait 2 ms more; the others are as A's.
    const v = lognormal(random, 1000, 0.3);
    other[i] = Math.round(random() < 0.03 ? v + 2000 : v);
  }
  base.sort();
  other.sort();
  const c = compareDurations(base, other);
  assert.equal(c.p50.verdict, 'no change', JSON.stringify(c.p50));
  assert.equal(c.verdict, 'no change');
  assert.equal(c.p99.verdict, 'slower', JSON.stringify(c.p99));
  assert.ok(c.p99.change!.low > 0.2, `p99 interval ${c.p99.change!.low}…${c.p99.change!.high}`);
  // The tail shows in the outliers too: counted, never dropped.
  assert.ok(c.outliers.other!.highSevere > c.outliers.base!.highSevere + 50, JSON.stringify(c.outliers));
});
