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
