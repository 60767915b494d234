import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, runCli, runMain } from './fixtures/cli-run.js';

test('summary prints count, errors, percentiles and busy time per service and span name', async () => {
  const { status, stdout, stderr } = await runCli(['summary', fixture('cli-run-a.ndjson')]);
  assert.equal(stderr, '');
  assert.equal(status, 0);
  const lines = stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /cli-run-a\.ndjson: 6 spans in 6 traces, 1 with errors, .* \(30\.200ms covered\)/);
  assert.match(lines[2]!, /^service\s+span\s+count\s+errors\s+min\s+p50\s+p90\s+p99\s+max\s+mean\s+busy$/);
  // parse: 100 200 300 400 µs, one at a time: busy = the sum.
  assert.match(lines[3]!, /^bench\s+parse\s+4\s+0\s+100µs\s+200µs\s+400µs\s+400µs\s+400µs\s+250µs\s+1\.000ms$/);
  assert.match(lines[4]!, /^bench\s+write\s+2\s+1\s+1\.000ms\s+1\.000ms\s+2\.000ms\s+2\.000ms\s+2\.000ms\s+1\.500ms\s+3\.000ms$/);
});

test('summary --json gives the same figures in microseconds', async () => {
  const { status, stdout } = await runMain(['summary', fixture('cli-run-a.ndjson'), '--json']);
  assert.equal(status, 0);
  const report = JSON.parse(stdout) as { spans: number; skipped: number; groups: Array<Record<string, unknown>> };
  assert.equal(report.spans, 6);
  assert.equal(report.skipped, 0);
  assert.deepEqual(report.groups[0], {
    serviceName: 'bench', name: 'parse', count: 4, errors: 0, min: 100, p50: 200, p90: 400, p99: 400, max: 400, mean: 250, busy: 1000,
  });
});

test('summary --compare shows two runs side by side with the ratio per span name', async () => {
  const { status, stdout } = await runMain(['summary', fixture('cli-run-a.ndjson'), '--compare', fixture('cli-run-b.ndjson')]);
  assert.equal(status, 0);
  const rows = stdout.trimEnd().split('\n');
  assert.match(rows[0]!, /^A: .*cli-run-a\.ndjson: 6 spans/);
  assert.match(rows[1]!, /^B: .*cli-run-b\.ndjson: 7 spans/);
  // The ratio columns as before, each followed by its interval (— with too few spans for one),
  // then Mann-Whitney's p, the Hodges-Lehmann shift, the outliers of A/B and the verdict.
  assert.match(stdout, /\nservice\s+span\s+count A\s+count B\s+p50 A\s+p50 B\s+p50 B\/A\s+p50 95% CI\s+p99 A\s+p99 B\s+p99 B\/A\s+p99 95% CI\s+p\s+shift\s+outliers A\/B\s+verdict\n/);
  assert.match(stdout, /\nbench\s+only in b\s+0\s+1\s+—\s+50µs\s+—\s+—\s+—\s+50µs\s+—\s+—\s+—\s+—\s+—\s+only in B\n/);
  // parse: U = 13 of 16 with two ties, p = 0.189; the median of the 16 differences B − A is 250µs.
  assert.match(stdout, /\nbench\s+parse\s+4\s+4\s+200µs\s+400µs\s+2\.00×\s+—\s+400µs\s+800µs\s+2\.00×\s+—\s+0\.189\s+\+250µs\s+0\/0\s+not enough data\n/);
  assert.match(stdout, /\nbench\s+write\s+2\s+2\s+1\.000ms\s+1\.000ms\s+1\.00×\s+—\s+2\.000ms\s+2\.000ms\s+1\.00×\s+—\s+1\.000\s+\+0µs\s+0\/0\s+not enough data\n$/);
  assert.match(stdout, /not enough data: fewer than 20 spans a run for p50, 100 for p90, 1,000 for p99/);
});

test('summary --compare --json gives the ratios', async () => {
  const { status, stdout } = await runMain(['summary', fixture('cli-run-a.ndjson'), '--compare', fixture('cli-run-b.ndjson'), '--json']);
  assert.equal(status, 0);
  const { rows, settings } = JSON.parse(stdout) as { rows: Array<{ name: string; ratio: Record<string, number | null>; verdict: string; stats: { mannWhitney: { u: number }; shift: { shift: number } } | null }>; settings: Record<string, number> };
  assert.deepEqual(rows.find((r) => r.name === 'parse')!.ratio, { p50: 2, p90: 2, p99: 2, mean: 2 });
  assert.equal(rows.find((r) => r.name === 'parse')!.verdict, 'not enough data');
  assert.equal(rows.find((r) => r.name === 'parse')!.stats!.mannWhitney.u, 13);
  assert.equal(rows.find((r) => r.name === 'parse')!.stats!.shift.shift, 250);
  assert.equal(rows.find((r) => r.name === 'only in b')!.stats, null);
  assert.deepEqual(settings, { noise: 0.02, confidence: 0.95, resamples: 2000, seed: 0x5eed });
  assert.ok(!stdout.includes('"durations"'), 'the raw durations are input, not figures: left out');
});
