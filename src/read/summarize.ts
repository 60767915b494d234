import { compareDurations, DEFAULT_CONFIDENCE, DEFAULT_NOISE, DEFAULT_RESAMPLES, DEFAULT_SEED, type CompareStatsOptions, type DurationComparison, type Verdict } from './compare-stats.js';
import { integer, numberIn, optional, parseOptions } from '../model/option-rules.js';

/** The fields of a span that a summary reads: a `ZipkinSpan` from `memorySink()` or a span file has them. */
export interface SummarizableSpan {
  readonly traceId?: string | undefined;
  readonly name?: string | undefined;
  readonly localEndpoint?: { readonly serviceName?: string | undefined } | undefined;
  /** Epoch microseconds. */
  readonly timestamp?: number | undefined;
  /** Microseconds. */
  readonly duration?: number | undefined;
  readonly tags?: Readonly<Record<string, string>> | undefined;
}

/**
 * Latency of one span name in one service. Durations are in microseconds; they are `null` when no
 * span of the group has a duration. Percentiles use the nearest-rank method: p90 is the smallest
 * duration that at least 90% of the durations are at or below, always a duration that was seen.
 */
export interface SpanNameSummary {
  /** `localEndpoint.serviceName`; '' when absent. */
  readonly serviceName: string;
  /** The span name; '' when absent. */
  readonly name: string;
  /** Spans in the group. */
  readonly count: number;
  /** Spans with an `error` tag. */
  readonly errors: number;
  readonly min: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  /**
   * Microseconds during which at least one span of the group was open (the union of their
   * intervals): concurrent spans count once, so it can be far less than the sum of durations.
   */
  readonly busy: number;
  /**
   * Every duration of the group, sorted ascending (microseconds): only when summarised with
   * `keepDurations: true`, for the statistics of `compareSummaries`. 8 bytes a span.
   */
  readonly durations?: Float64Array;
}

/**
 * The machine and Node a run was measured on, from its `environment` span (`tracer.recordEnvironment()`)
 * or the job spans of `tracer.map`, which carry the same tags. Fields a span lacks are `null`.
 */
export interface RunEnvironment {
  /** `node.version`, like `v20.11.0`. */
  readonly nodeVersion: string | null;
  /** `cpu.model`. */
  readonly cpuModel: string | null;
  /** `cpu.count`: logical CPUs. */
  readonly cpuCount: number | null;
  /** `host`: the host name. */
  readonly host: string | null;
  /** `os`: platform, release and architecture. */
  readonly os: string | null;
  /** The 1-minute load average when the first such span started (`load.start`). */
  readonly loadStart: number | null;
  /** The 1-minute load average when it ended (`load.end`). */
  readonly loadEnd: number | null;
  /** The highest 1-minute load average of every such span of the run, start or end. */
  readonly maxLoad: number | null;
  /** Spans of the run that carried these tags. */
  readonly spans: number;
  /** True when those spans disagree on the host, CPU or Node version: the run mixes machines. */
  readonly mixed: boolean;
}

/** Options of `summarize` and `SpanSummarizer`. */
export interface SummarizeOptions {
  /**
   * Keep each group's sorted durations (`SpanNameSummary.durations`, 8 bytes a span) so that
   * `compareSummaries` can test the change for significance; without them it gives ratios only.
   * @default false
   */
  readonly keepDurations?: boolean;
}

/** What `summarize` returns. */
export interface SpanSummary {
  /** Spans read. */
  readonly spans: number;
  /** Distinct trace IDs. */
  readonly traces: number;
  /** Spans with an `error` tag. */
  readonly errors: number;
  /** Earliest span start, epoch microseconds; `null` when no span has a timestamp. */
  readonly start: number | null;
  /** Latest span end, epoch microseconds; `null` when no span has a timestamp. */
  readonly end: number | null;
  /** One entry per service and span name, sorted by service, then name. */
  readonly groups: SpanNameSummary[];
  /** What the run was measured on; `null` when no span recorded it. */
  readonly environment: RunEnvironment | null;
}

/** Two summaries side by side, for one service and span name. */
export interface SpanNameComparison {
  readonly serviceName: string;
  readonly name: string;
  /** The group in the first run; absent when the span name appears only in the second. */
  readonly base: SpanNameSummary | undefined;
  /** The group in the second run; absent when the span name appears only in the first. */
  readonly other: SpanNameSummary | undefined;
  /**
   * `other / base` for each figure: 2 means the second run took twice as long. `null` when either
   * side is missing or the base figure is 0.
   */
  readonly ratio: { readonly p50: number | null; readonly p90: number | null; readonly p99: number | null; readonly mean: number | null };
  /**
   * The statistics of the change: bootstrap intervals of p50/p90/p99, Mann-Whitney U, the
   * Hodges-Lehmann shift, Tukey's outliers and verdicts. `null` unless both runs have the name and
   * were summarised with `keepDurations: true` (as `compareRuns` does).
   */
  readonly stats: DurationComparison | null;
  /** The row's headline: the verdict on the median (`stats.verdict`), `not enough data` without stats. */
  readonly verdict: Verdict;
}

/** The settings a comparison was made with, every default filled in. */
export interface ComparisonSettings {
  readonly noise: number;
  readonly confidence: number;
  readonly resamples: number;
  readonly seed: number;
}

/**
 * What `compareSummaries` and `compareRuns` return: the two summaries, a row per service and span
 * name, the settings used, and warnings about how the runs were measured. The CLI's `summary
 * --compare --json` prints this shape (without the durations), and `formatSummaryTable` draws it.
 */
export interface SummaryComparison {
  readonly base: SpanSummary;
  readonly other: SpanSummary;
  /** One row per service and span name found in either run, sorted by service, then name. */
  readonly rows: SpanNameComparison[];
  readonly settings: ComparisonSettings;
  /**
   * Reasons to distrust the comparison, one sentence each: the runs were measured on different
   * machines or Node versions, or under load (a load average above half the CPU count).
   */
  readonly warnings: string[];
}

/** A run is under load when its 1-minute load average passes this share of its CPUs. */
export const UNDER_LOAD_PER_CPU = 0.5;

/** The value at `p` percent of sorted `values`, nearest rank. */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  return sorted[Math.min(rank, n) - 1]!;
}

/** Total length of the union of intervals `[starts[i], ends[i]]`. */
function unionLength(starts: number[], ends: number[]): number {
  const order = starts.map((_, i) => i).sort((a, b) => starts[a]! - starts[b]!);
  let total = 0;
  let curStart = -Infinity;
  let curEnd = -Infinity;
  for (const i of order) {
    const s = starts[i]!;
    const e = ends[i]!;
    if (s > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = s;
      curEnd = e;
    } else if (e > curEnd) {
      curEnd = e;
    }
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}

/** Tag names of an environment span; record/environment.ts writes the same (a test pins both). */
const ENV_TAGS = { node: 'node.version', cpuModel: 'cpu.model', cpuCount: 'cpu.count', host: 'host', os: 'os', loadStart: 'load.start', loadEnd: 'load.end' } as const;

/** The 1-minute figure of a `load.start` tag, `"0.52 0.61 0.70"`; `null` when not a number. */
function oneMinuteLoad(tag: string | undefined): number | null {
  if (tag === undefined) return null;
  const n = Number(tag.trim().split(/\s+/)[0]);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

function numberTag(tag: string | undefined): number | null {
  if (tag === undefined) return null;
  const n = Number(tag);
  return Number.isFinite(n) ? n : null;
}

interface Accumulator {
  serviceName: string;
  name: string;
  count: number;
  errors: number;
  durations: number[];
  starts: number[];
  ends: number[];
}

/**
 * Builds a summary one span at a time, keeping only numbers per span: for files too large to hold
 * as span objects. `summarize(spans)` is this over an array.
 */
export class SpanSummarizer {
  readonly #groups = new Map<string, Accumulator>();
  readonly #traces = new Set<string>();
  #spans = 0;
  #errors = 0;
  #start = Infinity;
  #end = -Infinity;
  readonly #keepDurations: boolean;
  #environment: { -readonly [K in keyof RunEnvironment]: RunEnvironment[K] } | null = null;

  constructor(options: SummarizeOptions = {}) {
    this.#keepDurations = options.keepDurations === true;
  }

  /** Reads the environment tags of a span: the first such span describes the run, every one its load. */
  #addEnvironment(tags: Readonly<Record<string, string>>): void {
    const nodeVersion = tags[ENV_TAGS.node] ?? null;
    const cpuModel = tags[ENV_TAGS.cpuModel] ?? null;
    const cpuCount = numberTag(tags[ENV_TAGS.cpuCount]);
    const host = tags[ENV_TAGS.host] ?? null;
    const loadStart = oneMinuteLoad(tags[ENV_TAGS.loadStart]);
    const loadEnd = oneMinuteLoad(tags[ENV_TAGS.loadEnd]);
    const load = loadStart === null ? loadEnd : loadEnd === null ? loadStart : Math.max(loadStart, loadEnd);
    const e = this.#environment;
    if (e === null) {
      this.#environment = { nodeVersion, cpuModel, cpuCount, host, os: tags[ENV_TAGS.os] ?? null, loadStart, loadEnd, maxLoad: load, spans: 1, mixed: false };
      return;
    }
    e.spans++;
    if (load !== null && (e.maxLoad === null || load > e.maxLoad)) e.maxLoad = load;
    if (e.nodeVersion !== nodeVersion || e.cpuModel !== cpuModel || e.cpuCount !== cpuCount || e.host !== host) e.mixed = true;
  }

  add(span: SummarizableSpan): void {
    const serviceName = span.localEndpoint?.serviceName ?? '';
    const name = span.name ?? '';
    const key = serviceName + '\u0000' + name;
    let g = this.#groups.get(key);
    if (g === undefined) {
      g = { serviceName, name, count: 0, errors: 0, durations: [], starts: [], ends: [] };
      this.#groups.set(key, g);
    }
    this.#spans++;
    g.count++;
    if (span.traceId !== undefined) this.#traces.add(span.traceId);
    if (span.tags !== undefined) {
      if (Object.hasOwn(span.tags, 'error')) {
        g.errors++;
        this.#errors++;
      }
      if (Object.hasOwn(span.tags, ENV_TAGS.node)) this.#addEnvironment(span.tags);
    }
    const { timestamp, duration } = span;
    if (typeof duration === 'number') g.durations.push(duration);
    if (typeof timestamp === 'number') {
      const end = timestamp + (typeof duration === 'number' ? duration : 0);
      if (timestamp < this.#start) this.#start = timestamp;
      if (end > this.#end) this.#end = end;
      if (typeof duration === 'number') {
        g.starts.push(timestamp);
        g.ends.push(end);
      }
    }
  }

  result(): SpanSummary {
    const groups: SpanNameSummary[] = [];
    for (const g of this.#groups.values()) {
      const sorted = Float64Array.from(g.durations).sort();
      let sum = 0;
      for (const d of sorted) sum += d;
      const n = sorted.length;
      const group: { -readonly [K in keyof SpanNameSummary]: SpanNameSummary[K] } = {
        serviceName: g.serviceName,
        name: g.name,
        count: g.count,
        errors: g.errors,
        min: n === 0 ? null : sorted[0]!,
        p50: percentile(sorted, 50),
        p90: percentile(sorted, 90),
        p99: percentile(sorted, 99),
        max: n === 0 ? null : sorted[n - 1]!,
        mean: n === 0 ? null : sum / n,
        busy: unionLength(g.starts, g.ends),
      };
      if (this.#keepDurations) group.durations = sorted;
      groups.push(group);
    }
    groups.sort(byServiceThenName);
    const timed = this.#start !== Infinity;
    return {
      spans: this.#spans,
      traces: this.#traces.size,
      errors: this.#errors,
      start: timed ? this.#start : null,
      end: timed ? this.#end : null,
      groups,
      environment: this.#environment === null ? null : { ...this.#environment },
    };
  }
}

function byServiceThenName(a: { serviceName: string; name: string }, b: { serviceName: string; name: string }): number {
  return a.serviceName < b.serviceName ? -1 : a.serviceName > b.serviceName ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * A latency report: per service and span name, the count, errors, min, p50, p90, p99, max and mean
 * duration (microseconds, nearest-rank percentiles) and the busy time. Spans come from
 * `memorySink().spans` or a span file; the CLI's `deferred-span summary` prints the same figures.
 *
 * @example
 * const sink = memorySink();
 * const tracer = createTracer({ serviceName: 'bench', sink });
 * // ... run the traced steps, then:
 * await tracer.flush();
 * for (const g of summarize(sink.spans).groups) console.log(g.name, g.p50, g.p99);
 * @example
 * // Keep the durations for the statistics of compareSummaries:
 * const before = summarize(run1Spans, { keepDurations: true });
 */
export function summarize(spans: Iterable<SummarizableSpan>, options: SummarizeOptions = {}): SpanSummary {
  const s = new SpanSummarizer(options);
  for (const span of spans) s.add(span);
  return s.result();
}

/** Options of `compareSummaries` and `compareRuns`: see `CompareStatsOptions`. */
export type CompareOptions = CompareStatsOptions;

const COMPARE_SHAPE = {
  noise: optional(numberIn(0, 10, 'expected a fraction from 0 to 10, like 0.02 for 2%')),
  confidence: optional(numberIn(0.5, 0.999, 'expected a confidence from 0.5 to 0.999, like 0.95')),
  resamples: optional(integer(100, 'expected a whole number of resamples, at least 100, like 2000')),
  seed: optional(integer(0, 'expected a whole number from 0 to 2^53, like 1')),
};

function describeEnvironment(e: RunEnvironment): string {
  const parts = [e.host === null ? null : `host ${e.host}`, e.cpuModel === null ? null : `${e.cpuCount ?? '?'} × ${e.cpuModel}`, e.nodeVersion === null ? null : `Node ${e.nodeVersion}`];
  return parts.filter((p) => p !== null).join(', ');
}

function underLoad(e: RunEnvironment): boolean {
  return e.maxLoad !== null && e.cpuCount !== null && e.cpuCount > 0 && e.maxLoad > e.cpuCount * UNDER_LOAD_PER_CPU;
}

/**
 * Why two runs' figures may differ for reasons other than the code: a different machine or Node
 * version, a run measured under load (a load average above half the CPUs), or a run that mixes
 * machines. One sentence each; none when both runs agree or neither recorded its environment.
 * @example compareEnvironments(before.environment, after.environment); // ['B was measured under load: …']
 */
export function compareEnvironments(base: RunEnvironment | null, other: RunEnvironment | null): string[] {
  const warnings: string[] = [];
  if (base === null && other === null) return warnings;
  if (base === null || other === null) {
    warnings.push(`${base === null ? 'A' : 'B'} does not say what it was measured on (no environment span; tracer.recordEnvironment() or tracer.map records one), so machines cannot be compared`);
  } else {
    if (base.host !== other.host || base.cpuModel !== other.cpuModel || base.cpuCount !== other.cpuCount) {
      warnings.push(`the runs were measured on different machines (A: ${describeEnvironment(base)}; B: ${describeEnvironment(other)})`);
    }
    if (base.nodeVersion !== other.nodeVersion) warnings.push(`the runs used different Node versions (A: ${base.nodeVersion ?? 'unknown'}, B: ${other.nodeVersion ?? 'unknown'})`);
  }
  for (const [run, e] of [['A', base], ['B', other]] as const) {
    if (e === null) continue;
    if (e.mixed) warnings.push(`${run} mixes spans from more than one machine or Node version`);
    if (underLoad(e)) warnings.push(`${run} was measured under load: load average ${e.maxLoad!.toFixed(2)} on ${e.cpuCount} CPU${e.cpuCount === 1 ? '' : 's'} (above ${UNDER_LOAD_PER_CPU} per CPU)`);
  }
  return warnings;
}

function ratio(other: number | null | undefined, base: number | null | undefined): number | null {
  return typeof other === 'number' && typeof base === 'number' && base !== 0 ? other / base : null;
}

/**
 * Puts two summaries side by side (two runs of a benchmark, before and after a change), with the
 * ratio `other / base` of p50, p90, p99 and mean for each service and span name. When both were
 * summarised with `keepDurations: true`, each row also gets `stats`: the bootstrap interval of the
 * change in p50/p90/p99, Mann-Whitney U, the Hodges-Lehmann shift, Tukey's outliers, and a
 * verdict (`faster`, `slower`, `no change`, `not enough data`) against the noise threshold.
 * Reproducible: the same runs and seed give the same figures.
 *
 * @example
 * const before = summarize(run1Spans, { keepDurations: true });
 * const after = summarize(run2Spans, { keepDurations: true });
 * for (const row of compareSummaries(before, after, { noise: 0.02 }).rows) console.log(row.name, row.verdict, row.stats?.p50.change);
 * @throws {OptionsError} for a bad option, e.g. `noise: expected a fraction from 0 to 10, like 0.02 for 2%`.
 */
export function compareSummaries(base: SpanSummary, other: SpanSummary, options: CompareOptions = {}): SummaryComparison {
  const o = parseOptions('compareSummaries', COMPARE_SHAPE, options);
  const settings: ComparisonSettings = {
    noise: o.noise ?? DEFAULT_NOISE,
    confidence: o.confidence ?? DEFAULT_CONFIDENCE,
    resamples: o.resamples ?? DEFAULT_RESAMPLES,
    seed: o.seed ?? DEFAULT_SEED,
  };
  const keyed = new Map<string, { serviceName: string; name: string; base?: SpanNameSummary; other?: SpanNameSummary }>();
  const key = (g: SpanNameSummary): string => g.serviceName + '\u0000' + g.name;
  for (const g of base.groups) keyed.set(key(g), { serviceName: g.serviceName, name: g.name, base: g });
  for (const g of other.groups) {
    const row = keyed.get(key(g));
    if (row) row.other = g;
    else keyed.set(key(g), { serviceName: g.serviceName, name: g.name, other: g });
  }
  const rows: SpanNameComparison[] = [...keyed.values()].map((r) => {
    const a = r.base?.durations;
    const b = r.other?.durations;
    // Each row's bootstrap draws from its own stream: adding a span name changes no other row.
    const stats = a === undefined || b === undefined ? null : compareDurations(a, b, { ...settings, stream: r.serviceName + '\u0000' + r.name });
    return {
      serviceName: r.serviceName,
      name: r.name,
      base: r.base,
      other: r.other,
      ratio: {
        p50: ratio(r.other?.p50, r.base?.p50),
        p90: ratio(r.other?.p90, r.base?.p90),
        p99: ratio(r.other?.p99, r.base?.p99),
        mean: ratio(r.other?.mean, r.base?.mean),
      },
      stats,
      verdict: stats?.verdict ?? 'not enough data',
    };
  });
  rows.sort(byServiceThenName);
  return { base, other, rows, settings, warnings: compareEnvironments(base.environment ?? null, other.environment ?? null) };
}

/**
 * Summarises two runs' spans keeping their durations and compares them with the statistics:
 * `compareSummaries(summarize(base, { keepDurations: true }), summarize(other, { keepDurations: true }), options)`.
 *
 * @example
 * const c = compareRuns(beforeSink.spans, afterSink.spans);
 * console.log(formatSummaryTable(c));
 * if (c.rows.some((r) => r.verdict === 'slower')) process.exitCode = 1;
 * @throws {OptionsError} for a bad option.
 */
export function compareRuns(base: Iterable<SummarizableSpan>, other: Iterable<SummarizableSpan>, options: CompareOptions = {}): SummaryComparison {
  return compareSummaries(summarize(base, { keepDurations: true }), summarize(other, { keepDurations: true }), options);
}
