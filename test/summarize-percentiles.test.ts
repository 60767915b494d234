import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarize } from '../src/read/summarize.js';

const T = 1_764_000_000_000_000;
const span = (name: string, timestamp: number, duration: number, extra: { service?: string; error?: boolean } = {}) => ({
  traceId: '4e441824ec2b6a44ffdc9bb9a6453df3',
  id: 'a000000000000001',
  name,
  timestamp,
  duration,
  localEndpoint: { serviceName: extra.service ?? 'bench' },
  ...(extra.error === true ? { tags: { error: 'boom' } } : {}),
});

test('percentiles are nearest-rank values of a hand-computed set', () => {
  // Sorted: 1 2 3 5 7 8 9. Nearest rank: p50 = ceil(3.5) = 4th = 5, p90 = ceil(6.3) = 7th = 9, p99 = 7th = 9.
  const durations = [7, 1, 3, 9, 5, 2, 8];
  const { groups } = summarize(durations.map((d, i) => span('step', T + i * 100, d)));
  assert.equal(groups.length, 1);
  const g = groups[0]!;
  assert.equal(g.count, 7);
  assert.equal(g.min, 1);
  assert.equal(g.p50, 5);
  assert.equal(g.p90, 9);
  assert.equal(g.p99, 9);
  assert.equal(g.max, 9);
  assert.equal(g.mean, 35 / 7);
});

test('percentiles of 1 to 100 are 50, 90 and 99', () => {
  const durations = Array.from({ length: 100 }, (_, i) => 100 - i);
  const g = summarize(durations.map((d, i) => span('step', T + i * 1000, d))).groups[0]!;
  assert.deepEqual([g.min, g.p50, g.p90, g.p99, g.max, g.mean], [1, 50, 90, 99, 100, 50.5]);
});

test('busy time is the union of the intervals, so overlapping spans count once', () => {
  // [0,10] and [5,15] overlap into 15; [20,25] adds 5; [21,22] lies inside it.
  const g = summarize([span('io', T, 10), span('io', T + 5, 10), span('io', T + 20, 5), span('io', T + 21, 1)]).groups[0]!;
  assert.equal(g.busy, 20);
});

test('groups are per service and span name, with errors counted from the error tag', () => {
  const s = summarize([
    span('get', T, 10, { service: 'proxy' }),
    span('get', T, 20, { service: 'proxy', error: true }),
    span('get', T, 30, { service: 'object-server' }),
    span('put', T, 40, { service: 'proxy', error: true }),
  ]);
  assert.deepEqual(
    s.groups.map((g) => [g.serviceName, g.name, g.count, g.errors]),
    [
      ['object-server', 'get', 1, 0],
      ['proxy', 'get', 2, 1],
      ['proxy', 'put', 1, 1],
    ],
  );
  assert.equal(s.spans, 4);
  assert.equal(s.errors, 2);
  assert.equal(s.traces, 1);
  assert.equal(s.start, T);
  assert.equal(s.end, T + 40);
});

test('a group whose spans have no duration reports null durations, not zeros', () => {
  const g = summarize([{ traceId: '4e441824ec2b6a44', name: 'open', localEndpoint: { serviceName: 'x' } }]).groups[0]!;
  assert.equal(g.count, 1);
  assert.deepEqual([g.min, g.p50, g.p99, g.max, g.mean], [null, null, null, null, null]);
  assert.equal(g.busy, 0);
});
