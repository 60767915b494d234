import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { seededRandom } from '../src/read/compare-stats.js';
import { compareSummaries, summarize } from '../src/read/summarize.js';
import { formatSummaryTable } from '../src/read/summary-table.js';
import { runMain } from './fixtures/cli-run.js';

const dir = mkdtempSync(join(tmpdir(), 'cli-summary-compare-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const T = 1_764_000_000_000_000;
const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/** A run of 2,000 spans of each name: lognormal durations (sigma 0.3) around the given medians. */
function run(seed: number, medians: Record<string, number>): Array<Record<string, unknown>> {
  const random = seededRandom(seed);
  const spans: Array<Record<string, unknown>> = [];
  let i = 0;
  for (const [name, median] of Object.entries(medians)) {
    for (let k = 0; k < 2000; k++, i++) {
      const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      spans.push({ traceId: hex(seed * 1_000_000 + i + 1, 32), id: hex(i + 1, 16), name, timestamp: T + i * 2000, duration: Math.round(median * Math.exp(0.3 * z)), localEndpoint: { serviceName: 'bench' } });
    }
  }
  return spans;
}

function write(name: string, spans: Array<Record<string, unknown>>): string {
  const path = join(dir, name);
  writeFileSync(path, spans.map((s) => JSON.stringify(s)).join('\n') + '\n');
  return path;
}

const aSpans = run(1, { parse: 1000, write: 5000 });
const bSpans = run(2, { parse: 1100, write: 5000 });
const a = write('a.ndjson', aSpans);
const b = write('b.ndjson', bSpans);

test('summary --compare calls a 10% slower median slower and an unchanged one no change, with intervals', async () => {
  const { status, stdout, stderr } = await runMain(['summary', a, '--compare', b]);
  assert.equal(stderr, '');
  assert.equal(status, 0);
  assert.match(stdout, /\nbench\s+parse\s+2000\s+2000\s+.*\s+1\.\d\d×\s+\+\d+\.\d%…\+\d+\.\d%\s+.*<0\.001\s+\+\d+µs\s+\d+\/\d+\s+slower\n/);
  assert.match(stdout, /\nbench\s+write\s+2000\s+2000\s+.*\s+no change\n/);
});

test('the CLI prints exactly what formatSummaryTable returns for the same comparison', async () => {
  const { stdout } = await runMain(['summary', a, '--compare', b]);
  const base = { file: a, skipped: 0, ...summarize(aSpans, { keepDurations: true }) };
  const other = { file: b, skipped: 0, ...summarize(bSpans, { keepDurations: true }) };
  assert.equal(stdout, formatSummaryTable(compareSummaries(base, other)) + '\n');
  const plain = await runMain(['summary', a]);
  assert.equal(plain.stdout, formatSummaryTable({ file: a, skipped: 0, ...summarize(aSpans) }) + '\n');
});

test('--fail-on exits 4 when a verdict is a significant regression past its threshold, and names it on stderr', async () => {
  const failed = await runMain(['summary', a, '--compare', b, '--fail-on', 'p50>+5%']);
  assert.equal(failed.status, 4);
  assert.match(failed.stderr, /^deferred-span summary: --fail-on p50>\+5%: bench parse is slower: \+\d+\.\d% \(95% CI \+\d+\.\d%…\+\d+\.\d%\)\n$/);
  const passed = await runMain(['summary', a, '--compare', b, '--fail-on', 'p50>+25%,p99>+25%']);
  assert.equal(passed.status, 0, passed.stderr);
  assert.equal(passed.stderr, '');
  // Repeated rules add up; the unchanged name fails none.
  const both = await runMain(['summary', a, '--compare', b, '--fail-on', 'p50>+5%', '--fail-on', 'p90>+5%']);
  assert.equal(both.status, 4);
  assert.equal(both.stderr.trimEnd().split('\n').length, 2);
  assert.doesNotMatch(both.stderr, /write/);
});

test('--noise raises the threshold of the verdicts', async () => {
  const { stdout } = await runMain(['summary', a, '--compare', b, '--noise', '20%']);
  assert.match(stdout, /\nbench\s+parse\s+.*\s+no change\n/);
  assert.match(stdout, /noise threshold of 20%/);
});

test('--json carries every figure: intervals, Mann-Whitney, shift, outliers, verdicts, settings and the gate', async () => {
  const { status, stdout } = await runMain(['summary', a, '--compare', b, '--json', '--fail-on', 'p50>+5%']);
  assert.equal(status, 4);
  const report = JSON.parse(stdout) as {
    rows: Array<{ name: string; verdict: string; stats: Record<string, unknown> & { p50: { change: { change: number; low: number; high: number }; verdict: string; minSpans: number } } }>;
    settings: Record<string, number>;
    warnings: string[];
    failOn: { rules: unknown[]; failures: Array<{ name: string; rule: string }> };
  };
  const parse = report.rows.find((r) => r.name === 'parse')!;
  assert.equal(parse.verdict, 'slower');
  assert.deepEqual(Object.keys(parse.stats).sort(), ['mannWhitney', 'outliers', 'p50', 'p90', 'p99', 'shift', 'verdict']);
  assert.ok(parse.stats.p50.change.low > 0 && parse.stats.p50.change.low < parse.stats.p50.change.high);
  assert.equal(parse.stats.p50.minSpans, 20);
  assert.deepEqual(report.failOn.rules, [{ text: 'p50>+5%', percentile: 50, threshold: 0.05 }]);
  assert.deepEqual(report.failOn.failures.map((f) => [f.name, f.rule]), [['parse', 'p50>+5%']]);
  assert.deepEqual(report.warnings, []);
  assert.ok(!stdout.includes('"durations"'));
});

test('bad --fail-on, --noise and --seed values exit 2 with the expected form; --noise needs --compare', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--compare', b, '--fail-on', 'p50>5'], /--fail-on: expected PERCENTILE>\+N%, like p50>\+5% or p99>\+10% \(PERCENTILE is p50, p90 or p99\), got "p50>5" \(the threshold is a percentage: add %\)/],
    [['--compare', b, '--fail-on', 'p75>+5%'], /--fail-on: expected PERCENTILE>\+N%.*got "p75>\+5%"/],
    [['--compare', b, '--fail-on', 'p50<-5%'], /only regressions fail a gate: use >/],
    [['--compare', b, '--fail-on', ','], /--fail-on: expected at least one rule/],
    [['--compare', b, '--noise', 'lots'], /--noise: expected a percentage, like 2% \(or a fraction, like 0\.02\), got "lots"/],
    [['--compare', b, '--seed', '1.5'], /--seed: expected a whole number/],
    [['--noise', '5%'], /--noise works with --compare only/],
    [['--fail-on', 'p50>+5%'], /--fail-on works with --compare only/],
    [['--since', '1h'], /--since works with a Zipkin URL only/],
  ];
  for (const [args, message] of cases) {
    const { status, stderr } = await runMain(['summary', a, ...args]);
    assert.equal(status, 2, args.join(' '));
    assert.match(stderr, message);
  }
});
