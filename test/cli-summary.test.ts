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
  assert.match(stdout, /\nbench\s+only in b\s+0\s+1\s+—\s+50µs\s+—\s+—\s+50µs\s+—\n/);
  assert.match(stdout, /\nbench\s+parse\s+4\s+4\s+200µs\s+400µs\s+2\.00×\s+400µs\s+800µs\s+2\.00×\n/);
  assert.match(stdout, /\nbench\s+write\s+2\s+2\s+1\.000ms\s+1\.000ms\s+1\.00×\s+2\.000ms\s+2\.000ms\s+1\.00×\n$/);
});

test('summary --compare --json gives the ratios', async () => {
  const { status, stdout } = await runMain(['summary', fixture('cli-run-a.ndjson'), '--compare', fixture('cli-run-b.ndjson'), '--json']);
  assert.equal(status, 0);
  const { rows } = JSON.parse(stdout) as { rows: Array<{ name: string; ratio: Record<string, number | null> }> };
  assert.deepEqual(rows.find((r) => r.name === 'parse')!.ratio, { p50: 2, p90: 2, p99: 2, mean: 2 });
});
