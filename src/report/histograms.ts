// Latency histograms per span name for the HTML report: log-spaced bins, counted here, so the page
// carries a few numbers per span name rather than every duration.
import { percentile } from '../read/summarize.js';

/** Bins of every histogram. */
export const HISTOGRAM_BINS = 40;

/** One run's durations of one span name, binned. */
export interface HistogramRun {
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  /** Counts per bin, `HISTOGRAM_BINS` of them. */
  readonly bins: number[];
}

/** The histogram of one service and span name: bins shared by every run, so runs overlay. */
export interface LatencyHistogram {
  readonly serviceName: string;
  readonly name: string;
  /** Lower edge of the first bin and upper edge of the last, µs (at least 1): bins are equal in log scale. */
  readonly lo: number;
  readonly hi: number;
  /** One entry per run, in the order the runs were given; `null` when the run has no such span. */
  readonly runs: (HistogramRun | null)[];
}

/**
 * Durations per service and span name, for one or more runs, kept as numbers (8 bytes a span).
 *
 * @example
 * const d = new DurationCollector(1);
 * d.add(0, 'proxy', 'get object', 1200);
 * const [h] = d.histograms();
 */
export class DurationCollector {
  readonly #runs: number;
  readonly #groups = new Map<string, { serviceName: string; name: string; durations: number[][] }>();

  constructor(runs: number) {
    this.#runs = runs;
  }

  /** Adds the duration (µs) of a span of `run` (0-based). */
  add(run: number, serviceName: string, name: string, duration: number): void {
    const key = serviceName + '\u0000' + name;
    let g = this.#groups.get(key);
    if (g === undefined) {
      g = { serviceName, name, durations: Array.from({ length: this.#runs }, () => []) };
      this.#groups.set(key, g);
    }
    g.durations[run]?.push(duration);
  }

  /** Span names seen. */
  get size(): number {
    return this.#groups.size;
  }

  /** The histograms, by service then name; at most `limit`, the most common span names kept. */
  histograms(limit = Infinity): LatencyHistogram[] {
    let groups = [...this.#groups.values()];
    if (groups.length > limit) {
      const total = (g: (typeof groups)[number]): number => g.durations.reduce((n, d) => n + d.length, 0);
      groups = groups.sort((a, b) => total(b) - total(a)).slice(0, limit);
    }
    groups.sort((a, b) => (a.serviceName < b.serviceName ? -1 : a.serviceName > b.serviceName ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return groups.map((g) => histogramOf(g.serviceName, g.name, g.durations));
  }
}

/** Bins durations of each run on one log scale from the smallest to the largest (1 µs at least). */
export function histogramOf(serviceName: string, name: string, runs: readonly (readonly number[])[]): LatencyHistogram {
  const sorted = runs.map((d) => Float64Array.from(d).sort());
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of sorted) {
    if (s.length === 0) continue;
    lo = Math.min(lo, s[0]!);
    hi = Math.max(hi, s[s.length - 1]!);
  }
  lo = Math.max(1, lo === Infinity ? 1 : lo);
  hi = Math.max(lo, hi);
  // One value, or all within a hair: widen, so the bars have somewhere to stand.
  if (hi < lo * 1.1) {
    lo = Math.max(1, lo / 1.5);
    hi = hi * 1.5;
  }
  const span = Math.log(hi / lo);
  return {
    serviceName,
    name,
    lo,
    hi,
    runs: sorted.map((s) => {
      if (s.length === 0) return null;
      const bins = new Array<number>(HISTOGRAM_BINS).fill(0);
      for (const d of s) {
        const k = Math.floor((Math.log(Math.max(d, lo) / lo) / span) * HISTOGRAM_BINS);
        bins[Math.min(HISTOGRAM_BINS - 1, Math.max(0, k))]!++;
      }
      return { count: s.length, min: s[0]!, max: s[s.length - 1]!, p50: percentile(s, 50)!, p90: percentile(s, 90)!, p99: percentile(s, 99)!, bins };
    }),
  };
}
