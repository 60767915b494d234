import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareSummaries, summarize } from '../src/read/summarize.js';

const T = 1_764_000_000_000_000;
const spans = (name: string, durations: number[]) =>
  durations.map((duration, i) => ({ traceId: '4e441824ec2b6a44', name, timestamp: T + i * 10_000, duration, localEndpoint: { serviceName: 'bench' } }));

test('compareSummaries gives other / base per span name, and marks names found in one run only', () => {
  const base = summarize([...spans('parse', [100, 200, 300, 400]), ...spans('write', [1000, 2000]), ...spans('gone', [5])]);
  const other = summarize([...spans('parse', [200, 400, 600, 800]), ...spans('write', [1000, 2000]), ...spans('new', [7])]);
  const { rows } = compareSummaries(base, other);
  assert.deepEqual(rows.map((r) => r.name), ['gone', 'new', 'parse', 'write']);
  const [gone, added, parse, write] = rows;
  assert.deepEqual(parse!.ratio, { p50: 2, p90: 2, p99: 2, mean: 2 });
  assert.deepEqual(write!.ratio, { p50: 1, p90: 1, p99: 1, mean: 1 });
  assert.equal(gone!.other, undefined);
  assert.equal(gone!.ratio.p50, null);
  assert.equal(added!.base, undefined);
  assert.equal(added!.ratio.p99, null);
});

test('without kept durations a comparison has ratios but no statistics; with them, every row that is in both runs has them', () => {
  const a = [...spans('parse', [100, 200, 300, 400]), ...spans('gone', [5])];
  const b = [...spans('parse', [200, 400, 600, 800]), ...spans('new', [7])];
  const bare = compareSummaries(summarize(a), summarize(b));
  assert.ok(bare.rows.every((r) => r.stats === null && r.verdict === 'not enough data'));
  assert.equal(summarize(a).groups[0]!.durations, undefined, 'not kept unless asked: 8 bytes a span');
  const kept = compareSummaries(summarize(a, { keepDurations: true }), summarize(b, { keepDurations: true }));
  assert.deepEqual(Array.from(summarize(a, { keepDurations: true }).groups.find((g) => g.name === 'parse')!.durations!), [100, 200, 300, 400]);
  const parse = kept.rows.find((r) => r.name === 'parse')!;
  assert.equal(parse.stats!.mannWhitney!.u, 13);
  assert.equal(parse.stats!.shift!.shift, 250);
  assert.equal(kept.rows.find((r) => r.name === 'gone')!.stats, null);
  assert.deepEqual(kept.settings, { noise: 0.02, confidence: 0.95, resamples: 2000, seed: 0x5eed });
});

test('compareSummaries checks its options and names the bad one', () => {
  const s = summarize(spans('parse', [1]));
  assert.throws(() => compareSummaries(s, s, { noise: -1 }), /noise: expected a fraction from 0 to 10, like 0\.02 for 2%/);
  assert.throws(() => compareSummaries(s, s, { resamples: 10 }), /resamples: expected a whole number of resamples, at least 100/);
  assert.throws(() => compareSummaries(s, s, { nosie: 0.1 } as never), /nosie/);
});
