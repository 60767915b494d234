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
}

/** What `compareSummaries` returns. */
export interface SummaryComparison {
  readonly base: SpanSummary;
  readonly other: SpanSummary;
  /** One row per service and span name found in either run, sorted by service, then name. */
  readonly rows: SpanNameComparison[];
}

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
    if (span.tags !== undefined && Object.hasOwn(span.tags, 'error')) {
      g.errors++;
      this.#errors++;
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
      groups.push({
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
      });
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
 */
export function summarize(spans: Iterable<SummarizableSpan>): SpanSummary {
  const s = new SpanSummarizer();
  for (const span of spans) s.add(span);
  return s.result();
}

function ratio(other: number | null | undefined, base: number | null | undefined): number | null {
  return typeof other === 'number' && typeof base === 'number' && base !== 0 ? other / base : null;
}

/**
 * Puts two summaries side by side (two runs of a benchmark, before and after a change), with the
 * ratio `other / base` of p50, p90, p99 and mean for each service and span name.
 *
 * @example
 * const before = summarize(run1Spans);
 * const after = summarize(run2Spans);
 * for (const row of compareSummaries(before, after).rows) console.log(row.name, row.ratio.p50);
 */
export function compareSummaries(base: SpanSummary, other: SpanSummary): SummaryComparison {
  const keyed = new Map<string, { serviceName: string; name: string; base?: SpanNameSummary; other?: SpanNameSummary }>();
  const key = (g: SpanNameSummary): string => g.serviceName + '\u0000' + g.name;
  for (const g of base.groups) keyed.set(key(g), { serviceName: g.serviceName, name: g.name, base: g });
  for (const g of other.groups) {
    const row = keyed.get(key(g));
    if (row) row.other = g;
    else keyed.set(key(g), { serviceName: g.serviceName, name: g.name, other: g });
  }
  const rows: SpanNameComparison[] = [...keyed.values()].map((r) => ({
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
  }));
  rows.sort(byServiceThenName);
  return { base, other, rows };
}
