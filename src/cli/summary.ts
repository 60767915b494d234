// `deferred-span summary`: latency per service and span name of a span file or a Zipkin server,
// or of two runs compared with statistics (bootstrap intervals, Mann-Whitney U, verdicts).
import { DEFAULT_NOISE, DEFAULT_SEED, verdictOf, type ComparedPercentile, type PercentileChange } from '../read/compare-stats.js';
import { compareSummaries, SpanSummarizer, type SpanSummary, type SummaryComparison } from '../read/summarize.js';
import { formatSummaryTable } from '../read/summary-table.js';
import { printable } from '../read/waterfall.js';
import { DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_MILLIS, fetchRecentTraces, type ZipkinQueryOptions } from '../read/zipkin-query.js';
import { useColour } from './colour.js';
import type { CliCommand } from './command.js';
import { NothingError, UsageError } from './errors.js';
import { EXIT_OK, EXIT_REGRESSION, EXIT_SKIPPED, EXIT_STATUS_HELP } from './exit-codes.js';
import type { CliIo } from './io.js';
import { parseCommandArgs } from './parse-args.js';
import { ProblemReport } from './problem-report.js';
import { noValidSpan, scanSpanFileOrNothing } from './span-file-messages.js';
import { isZipkinUrl, parseQueryOptions, redactUrl, rethrowQueryError } from './zipkin-options.js';

/** Traces read from Zipkin unless --limit says otherwise. */
const DEFAULT_TRACE_LIMIT = 1000;
/** The time window searched in Zipkin unless --since says otherwise. */
const DEFAULT_SINCE = '1h';
/** Traces asked for per query: Zipkin is paged back in time by endTs, this many at a time. */
export const ZIPKIN_PAGE_TRACES = 100;

const SUMMARY_HELP = `Usage: deferred-span summary FILE|URL [options]

Prints, per service and span name: count, errors (spans with an "error" tag), min, p50, p90, p99,
max and mean duration, and busy time (the time at least one such span was open: concurrent spans
count once). Percentiles are nearest-rank: always a duration that was seen. When the run recorded
its environment (tracer.recordEnvironment() or a tracer.map job span), what it was measured on.

With --compare, two runs side by side, with statistics a benchmark can trust: per name, the
change B / A - 1 in p50 and p99 with its 95% bootstrap confidence interval (2000 resamples,
seeded: the same files print the same figures), Mann-Whitney U's two-sided p, the Hodges-Lehmann
shift, Tukey's outliers (counted, never dropped), and a verdict: "slower" or "faster" when the
change is significant (its interval excludes 0; for p50 also p < 0.05) and beyond the noise
threshold, else "no change", or "not enough data" (p50 needs 20 spans a run, p90 100, p99 1,000).
A warning says when the runs were measured on different machines or Node versions, or under load.

FILE is NDJSON: one Zipkin v2 span (or a JSON array of spans) per line.
URL is a Zipkin server, like http://localhost:9411, read through /api/v2/traces, paged back in
time; credentials in it (http://user:password@host) are sent as Basic auth and never printed.

Options:
  --compare OTHER    compare a second run (FILE or URL) with the first: B is OTHER, A is the first
  --noise PERCENT    with --compare: changes this small are "no change". Default: ${DEFAULT_NOISE * 100}%
  --fail-on RULE     with --compare: exit ${EXIT_REGRESSION} when a span name is significantly slower than RULE
                     allows, like p50>+5% or p99>+10% (p50, p90 or p99; repeat it or separate
                     rules by commas). The same test as the verdict, with RULE's threshold as noise
  --seed N           with --compare: the bootstrap's seed. Default: ${DEFAULT_SEED}
  --json             print JSON for scripts, with every figure (durations in microseconds)
  --width N          cut service and span names to fit N columns; default: the terminal's width
  --service NAME     with a URL: the traces of this service
  --since DURATION   with a URL: traces of the last DURATION, like 30m, 1h, 2d. Default: ${DEFAULT_SINCE}
  --limit N          with a URL: read at most N traces, newest first. Default: ${DEFAULT_TRACE_LIMIT}
  --max-bytes SIZE   with a URL: read at most SIZE of each of Zipkin's answers. Default: ${DEFAULT_MAX_BYTES / (1024 * 1024)}MiB
  --timeout SECONDS  with a URL: give up on an answer after this long. Default: ${DEFAULT_TIMEOUT_MILLIS / 1000}
  --color            colour the verdicts (red slower, green faster) and warnings even when not
                     writing to a terminal
  --no-color         no colour (so does the NO_COLOR environment variable)
  -h, --help         show this help

Examples:
  deferred-span summary spans.ndjson
  deferred-span summary before.ndjson --compare after.ndjson --fail-on 'p50>+5%,p99>+15%'
  deferred-span summary http://localhost:9411 --service checkout --since 30m

${EXIT_STATUS_HELP}`;

/** The summary of one source, with where it came from; also the shape of the `--json` output. */
type SourceSummary = SpanSummary & { file: string; lines?: number; traceLimit?: number; skipped: number };

async function summarizeFile(path: string, problems: ProblemReport, keepDurations: boolean): Promise<SourceSummary> {
  const summarizer = new SpanSummarizer({ keepDurations });
  const before = problems.skipped;
  const { lines } = await scanSpanFileOrNothing(path, (span) => summarizer.add(span), (p) => problems.add(path, p));
  const summary = summarizer.result();
  const skipped = problems.skipped - before;
  if (summary.spans === 0) throw new NothingError(noValidSpan(path, lines, skipped));
  return { file: path, lines, skipped, ...summary };
}

interface ZipkinWindow {
  readonly service: string | undefined;
  /** Milliseconds back from now. */
  readonly sinceMillis: number;
  readonly limit: number;
  readonly query: ZipkinQueryOptions;
}

/**
 * Reads up to `limit` traces of the window from Zipkin, newest first, a page at a time: each
 * next page ends where the oldest trace of the last one began, and traces seen are skipped.
 * Only the figures are kept, not the spans.
 */
async function summarizeZipkin(source: string, window: ZipkinWindow, problems: ProblemReport, keepDurations: boolean, now = Date.now()): Promise<SourceSummary> {
  const url = redactUrl(source);
  const summarizer = new SpanSummarizer({ keepDurations });
  const seen = new Set<string>();
  const start = now - window.sinceMillis;
  let endTs = now;
  const before = problems.skipped;
  try {
    while (seen.size < window.limit && endTs >= start) {
      const limit = Math.min(ZIPKIN_PAGE_TRACES, window.limit - seen.size);
      const { traces, problems: found } = await fetchRecentTraces(source, {
        ...window.query,
        limit,
        endTs,
        lookback: endTs - start,
        ...(window.service === undefined ? {} : { serviceName: window.service }),
      });
      for (const p of found) problems.add(url, p);
      let oldest = Infinity;
      let added = 0;
      for (const trace of traces) {
        const id = trace[0]!.traceId;
        for (const span of trace) if (span.timestamp !== undefined && span.timestamp < oldest) oldest = span.timestamp;
        if (seen.has(id) || seen.size >= window.limit) continue;
        seen.add(id);
        added++;
        for (const span of trace) summarizer.add(span);
      }
      if (traces.length < limit) break;
      // Next page: at or before the oldest start seen (ms); a page of nothing new steps back 1 ms.
      const next = oldest === Infinity ? endTs - 1 : Math.floor(oldest / 1000);
      endTs = added === 0 || next >= endTs ? Math.min(next, endTs - 1) : next;
    }
  } catch (error) {
    rethrowQueryError(error, window.query);
  }
  const summary = summarizer.result();
  if (summary.spans === 0) {
    throw new NothingError(`Zipkin at ${url} has no traces${window.service === undefined ? '' : ` of service "${window.service}"`} in the last ${formatWindow(window.sinceMillis)}; widen it with --since, or check that spans were sent there`);
  }
  return { file: url, traceLimit: window.limit, skipped: problems.skipped - before, ...summary };
}

const WINDOW_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since`: a time back from now, like 90s, 30m, 1h, 2d. */
function parseSince(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d|w)$/i.exec(text.trim());
  const millis = m === null ? NaN : Number(m[1]) * WINDOW_UNITS[m[2]!.toLowerCase()]!;
  if (!(millis >= 1) || !Number.isSafeInteger(Math.floor(millis))) throw new UsageError(`--since: expected a time back from now with a unit (s, m, h, d or w), like 30m or 1h, got "${text}"`);
  return Math.floor(millis);
}

function formatWindow(millis: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) if (millis % size === 0) return `${millis / size}${unit}`;
  return `${millis}ms`;
}

/** `--limit`: a whole number of traces, at least 1. */
function parseTraceLimit(text: string): number {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`--limit: expected a whole number of traces, at least 1, like ${DEFAULT_TRACE_LIMIT}, got "${text}"`);
  return n;
}

/** A percentage (`2%`, `0.5%`) or a fraction at most 1 (`0.02`), as a fraction. */
function parsePercent(option: string, text: string): number {
  const t = text.trim();
  const m = /^\+?(\d+(?:\.\d+)?)\s*%$/.exec(t);
  const n = m !== null ? Number(m[1]) / 100 : /^\d*\.\d+$|^0$/.test(t) ? Number(t) : NaN;
  if (!(n >= 0 && n <= 10)) throw new UsageError(`${option}: expected a percentage, like 2% (or a fraction, like 0.02), got "${text}"`);
  return n;
}

/** One `--fail-on` rule: fail when percentile `percentile` is significantly more than `threshold` slower. */
export interface FailRule {
  readonly text: string;
  readonly percentile: ComparedPercentile;
  /** A fraction: 0.05 for +5%. */
  readonly threshold: number;
}

const FAIL_RULE = /^(p50|p90|p99|median)\s*>\s*\+?\s*(\d+(?:\.\d+)?)\s*%$/i;

/** `--fail-on` values: rules like `p50>+5%`, repeated or comma-separated. */
export function parseFailOn(values: readonly string[]): FailRule[] {
  const rules: FailRule[] = [];
  for (const text of values.flatMap((v) => v.split(','))) {
    const t = text.trim();
    if (t === '') continue;
    const m = FAIL_RULE.exec(t);
    if (m === null) {
      const hint = /</.test(t) ? ' (only regressions fail a gate: use >)' : /%/.test(t) ? '' : ' (the threshold is a percentage: add %)';
      throw new UsageError(`--fail-on: expected PERCENTILE>+N%, like p50>+5% or p99>+10% (PERCENTILE is p50, p90 or p99), got "${t}"${hint}`);
    }
    const name = m[1]!.toLowerCase();
    rules.push({ text: t, percentile: (name === 'median' ? 50 : Number(name.slice(1))) as ComparedPercentile, threshold: Number(m[2]) / 100 });
  }
  if (rules.length === 0) throw new UsageError('--fail-on: expected at least one rule, like p50>+5%');
  return rules;
}

/** A span name that failed a `--fail-on` rule. */
interface GateFailure {
  readonly rule: string;
  readonly serviceName: string;
  readonly name: string;
  readonly change: number;
  readonly low: number;
  readonly high: number;
}

/** The rows a rule fails: the verdict's test (significant, and past the rule's threshold), with enough data. */
function gateFailures(c: SummaryComparison, rules: readonly FailRule[]): GateFailure[] {
  const failures: GateFailure[] = [];
  for (const rule of rules) {
    for (const row of c.rows) {
      const s = row.stats;
      if (s === null) continue;
      const change: PercentileChange = rule.percentile === 50 ? s.p50 : rule.percentile === 90 ? s.p90 : s.p99;
      if (change.change === null || change.verdict === 'not enough data') continue;
      const significant = rule.percentile !== 50 || (s.mannWhitney !== null && s.mannWhitney.p < 1 - c.settings.confidence);
      if (verdictOf(change.change, rule.threshold, significant) === 'slower') {
        failures.push({ rule: rule.text, serviceName: row.serviceName, name: row.name, ...change.change });
      }
    }
  }
  return failures;
}

function signedPercent(v: number): string {
  return `${v < 0 ? '−' : '+'}${Math.abs(v * 100).toFixed(1)}%`;
}

// DEL and C1 controls can only sit inside JSON strings, where \u escapes mean the same characters.
const JSON_UNESCAPED_CONTROLS = /[\u007f-\u009f]/g;

/**
 * `value` as JSON, indented, with no raw control character: JSON.stringify escapes C0 but leaves
 * DEL and C1 (0x9b is CSI to many terminals) as they are, so those are written as \u escapes.
 * The raw durations kept for the statistics are left out: they are the input, not a figure.
 */
function json(value: unknown): string {
  const text = JSON.stringify(value, (key, v: unknown) => (key === 'durations' && v instanceof Float64Array ? undefined : v), 2);
  return text.replace(JSON_UNESCAPED_CONTROLS, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

async function summary(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(summaryCommand, args, io, {
    json: { type: 'boolean' },
    compare: { type: 'string' },
    noise: { type: 'string' },
    'fail-on': { type: 'string', multiple: true },
    seed: { type: 'string' },
    width: { type: 'string' },
    service: { type: 'string' },
    since: { type: 'string' },
    limit: { type: 'string' },
    'max-bytes': { type: 'string' },
    timeout: { type: 'string' },
    color: { type: 'boolean' },
    'no-color': { type: 'boolean' },
  });
  if (parsed === undefined) return EXIT_OK;
  const { values, positionals } = parsed;
  const path = positionals[0];
  if (path === undefined) throw new UsageError('missing FILE or URL: say which spans to summarise, like `deferred-span summary spans.ndjson`. Run `deferred-span summary --help` for more.');
  if (positionals.length > 1) throw new UsageError(`one FILE at a time, got ${positionals.length}: ${positionals.join(' ')}; to set two runs side by side use --compare OTHER_FILE`);
  const comparing = typeof values.compare === 'string';
  for (const option of ['noise', 'fail-on', 'seed'] as const) {
    if (values[option] !== undefined && !comparing) throw new UsageError(`--${option} works with --compare only: give the second run, like --compare after.ndjson`);
  }
  const noise = typeof values.noise === 'string' ? parsePercent('--noise', values.noise) : DEFAULT_NOISE;
  const rules = values['fail-on'] === undefined ? [] : parseFailOn(values['fail-on']);
  let seed: number | undefined;
  if (typeof values.seed === 'string') {
    seed = Number(values.seed);
    if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`--seed: expected a whole number, at least 0, like 1, got "${values.seed}"`);
  }
  let width = io.stdout.isTTY === true && io.stdout.columns !== undefined && io.stdout.columns > 0 ? io.stdout.columns : Infinity;
  if (typeof values.width === 'string') {
    width = Number(values.width);
    if (!Number.isInteger(width) || width < 40) throw new UsageError(`--width: expected a whole number of columns, at least 40, got "${values.width}"`);
  }
  const anyUrl = isZipkinUrl(path) || (comparing && isZipkinUrl(values.compare!));
  if (!anyUrl) {
    for (const option of ['service', 'since', 'limit', 'max-bytes', 'timeout'] as const) {
      if (values[option] !== undefined) throw new UsageError(`--${option} works with a Zipkin URL only; a file is read whole, as it streams`);
    }
  }
  const query = parseQueryOptions(values);
  const window: ZipkinWindow = {
    service: values.service,
    sinceMillis: parseSince(values.since ?? DEFAULT_SINCE),
    limit: typeof values.limit === 'string' ? parseTraceLimit(values.limit) : DEFAULT_TRACE_LIMIT,
    query,
  };
  const problems = new ProblemReport(io);
  const read = (source: string): Promise<SourceSummary> =>
    isZipkinUrl(source) ? summarizeZipkin(source, window, problems, comparing) : summarizeFile(source, problems, comparing);
  const base = await read(path);
  const other = comparing ? await read(values.compare!) : undefined;
  problems.finish();
  const colour = useColour(values, io);
  let status = problems.skipped > 0 ? EXIT_SKIPPED : EXIT_OK;
  if (other === undefined) {
    io.stdout.write((values.json === true ? json(base) : formatSummaryTable(base, { color: colour, width })) + '\n');
    return status;
  }
  const c = compareSummaries(base, other, { noise, ...(seed === undefined ? {} : { seed }) });
  const failures = gateFailures(c, rules);
  if (values.json === true) {
    io.stdout.write(json({ ...c, failOn: { rules, failures } }) + '\n');
  } else {
    io.stdout.write(formatSummaryTable(c, { color: colour, width }) + '\n');
  }
  for (const f of failures) {
    const who = `${f.serviceName === '' ? '(no service)' : printable(f.serviceName)} ${f.name === '' ? '(unnamed)' : printable(f.name)}`;
    io.stderr.write(`deferred-span summary: --fail-on ${f.rule}: ${who} is slower: ${signedPercent(f.change)} (${Math.round(c.settings.confidence * 100)}% CI ${signedPercent(f.low)}…${signedPercent(f.high)})\n`);
  }
  if (failures.length > 0) status = EXIT_REGRESSION;
  return status;
}

/** `summary FILE|URL [--compare OTHER]`: for latency per span name, and for comparing two runs. */
export const summaryCommand: CliCommand = {
  name: 'summary',
  synopsis: 'FILE|URL [--compare OTHER]',
  summary: 'latency per service and span name; two runs compared',
  usage: SUMMARY_HELP,
  run: summary,
};
