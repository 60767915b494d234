// The statistics of comparing two runs' durations of one span name: bootstrap confidence intervals
// of the change in p50/p90/p99, a Mann-Whitney U test with the Hodges-Lehmann shift, Tukey's
// outlier counts, and a verdict against a noise threshold. Pure functions over sorted durations.

/** What a comparison concludes about one figure: B against A. */
export type Verdict = 'faster' | 'slower' | 'no change' | 'not enough data';

/** The percentiles compared. */
export const COMPARED_PERCENTILES = [50, 90, 99] as const;
export type ComparedPercentile = (typeof COMPARED_PERCENTILES)[number];

/** Bootstrap resamples unless told: enough for stable 2.5% and 97.5% quantiles (50 draws beyond each). */
export const DEFAULT_RESAMPLES = 2000;
/** The confidence of the intervals unless told. */
export const DEFAULT_CONFIDENCE = 0.95;
/** Changes smaller than this (2%) are noise unless told: runs of identical code differ that much. */
export const DEFAULT_NOISE = 0.02;
/** The seed of the bootstrap unless told: the same input gives the same intervals. */
export const DEFAULT_SEED = 0x5eed;
/**
 * Spans each run needs beyond a percentile before its interval means anything: p50 needs 20 spans,
 * p90 100, p99 1,000 (10 above the 99th). With fewer the bootstrap resamples the same few values.
 */
export const MIN_SPANS_BEYOND = 10;
/** Below this many spans per side and without ties, Mann-Whitney's p is exact; above, normal. */
export const EXACT_MANN_WHITNEY_MAX = 30;

/**
 * The spans each run needs for a verdict on percentile `p`: `ceil(10 / (1 - p/100))`.
 * @example minSpansFor(99); // 1000
 */
export function minSpansFor(p: number): number {
  return Math.ceil(MIN_SPANS_BEYOND / (1 - p / 100) - 1e-9);
}

// ---------------------------------------------------------------------------------------------
// Random numbers: seeded, so a comparison prints the same intervals every time it is run.

/**
 * A seeded uniform generator on [0, 1) (sfc32, seeded through splitmix32): fast, 2^128 states,
 * and the same sequence on every platform.
 * @example const random = seededRandom(42); random(); // 0.…
 */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  const next32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next32();
  // 53 random bits, so no double in [0, 1) is out of reach.
  return () => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
}

/**
 * A 32-bit hash of a text (FNV-1a), to give each span name its own bootstrap stream.
 * @example seededRandom(hashText('bench\u0000parse', DEFAULT_SEED));
 */
export function hashText(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function normalDeviate(random: () => number): number {
  // Box-Muller; 1 - u keeps the logarithm finite.
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, 1) for shape >= 1 (Marsaglia and Tsang, 2000). */
function gammaDeviate(shape: number, random: () => number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normalDeviate(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * The 1-based rank, in the sorted original, of the k-th smallest of `n` indices drawn uniformly
 * with replacement: one bootstrap resample's k-th order statistic, drawn in O(1) instead of O(n).
 * Each index is ceil(n·U) for a uniform U, and ceil is monotone, so the k-th smallest index is
 * ceil(n·U₍ₖ₎), where the k-th smallest of n uniforms U₍ₖ₎ is Beta(k, n − k + 1).
 */
export function resampledRank(n: number, k: number, random: () => number): number {
  const x = gammaDeviate(k, random);
  const y = gammaDeviate(n - k + 1, random);
  const rank = Math.ceil((n * x) / (x + y));
  return rank < 1 ? 1 : rank > n ? n : rank;
}

// ---------------------------------------------------------------------------------------------
// The normal distribution.

/** erfc(x), with a relative error below 1.2e-7 everywhere (Numerical Recipes' Chebyshev fit). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/**
 * P(Z > z) for a standard normal Z.
 * @example normalUpperTail(1.96); // 0.025
 */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/**
 * The z with P(Z <= z) = p, for 0 < p < 1 (Acklam's rational fit, relative error below 1.2e-9).
 * @example normalQuantile(0.975); // 1.95996…
 */
export function normalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

// ---------------------------------------------------------------------------------------------
// Percentiles and their bootstrap intervals.

/**
 * The nearest rank of percentile `p` among `n` values (1-based): the `summarize` definition.
 * @example nearestRank(1000, 99); // 990
 */
export function nearestRank(n: number, p: number): number {
  return Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));
}

/** A relative change `B / A − 1` (0.05 = 5% slower) with its confidence interval. */
export interface ChangeInterval {
  /** The change seen: B's figure over A's, minus 1. */
  readonly change: number;
  /** The interval's lower end (the `confidence` interval, e.g. 95%). */
  readonly low: number;
  /** The interval's upper end. */
  readonly high: number;
}

/** Options of the bootstrap. */
export interface BootstrapOptions {
  /** Resamples drawn. @default 2000 */
  readonly resamples?: number;
  /** The interval's confidence, between 0 and 1. @default 0.95 */
  readonly confidence?: number;
  /** Where the resamples' randomness comes from: `seededRandom(seed)`. @default seededRandom(DEFAULT_SEED) */
  readonly random?: () => number;
}

function relative(other: number, base: number): number {
  if (base === 0) return other === 0 ? 0 : Infinity;
  return other / base - 1;
}

/**
 * The percentile-bootstrap interval of the relative change in percentile `p` between two sorted
 * runs: each resample draws each run with replacement (its order statistic drawn directly, see
 * `resampledRank`), and the interval is the middle `confidence` of the resampled changes.
 * `undefined` when either run is empty.
 * @example bootstrapPercentileChange(sortedA, sortedB, 50, { random: seededRandom(1) }); // { change: 0.05, low: 0.031, high: 0.069 }
 */
export function bootstrapPercentileChange(base: ArrayLike<number>, other: ArrayLike<number>, p: number, options: BootstrapOptions = {}): ChangeInterval | undefined {
  const n1 = base.length;
  const n2 = other.length;
  if (n1 === 0 || n2 === 0) return undefined;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const random = options.random ?? seededRandom(DEFAULT_SEED);
  const k1 = nearestRank(n1, p);
  const k2 = nearestRank(n2, p);
  const changes = new Float64Array(resamples);
  for (let i = 0; i < resamples; i++) {
    const a = base[resampledRank(n1, k1, random) - 1]!;
    const b = other[resampledRank(n2, k2, random) - 1]!;
    changes[i] = relative(b, a);
  }
  changes.sort();
  const tail = (1 - confidence) / 2;
  const lowAt = Math.max(0, Math.floor(tail * resamples));
  const highAt = Math.min(resamples - 1, Math.ceil((1 - tail) * resamples) - 1);
  return { change: relative(other[k2 - 1]!, base[k1 - 1]!), low: changes[lowAt]!, high: changes[highAt]! };
}

// ---------------------------------------------------------------------------------------------
// Mann-Whitney U and Hodges-Lehmann.

/** A Mann-Whitney U test of B against A (two-sided). */
export interface MannWhitneyResult {
  /** Pairs (a, b) with b > a, ties counting a half: B's U. */
  readonly u: number;
  /** `u / (nA · nB)`: the chance that a span of B took longer than one of A (0.5: neither is slower). */
  readonly probabilityBSlower: number;
  /** The two-sided p-value: how often samples this different arise from one distribution. */
  readonly p: number;
  /** The normal approximation's z (continuity- and tie-corrected); `null` when `p` is exact. */
  readonly z: number | null;
  /** True when `p` comes from U's exact distribution (no ties, at most 30 spans a side). */
  readonly exact: boolean;
}

/** P(U <= u) for every u, exactly, for samples of `m` and `n` without ties. */
function exactUDistribution(m: number, n: number): Float64Array {
  // f(i, j) is the distribution of U for samples of i and j; the largest value belongs to the
  // first sample with probability i / (i + j), and is then above all j of the second.
  let previous: Float64Array[] = [];
  for (let i = 0; i <= m; i++) {
    const row: Float64Array[] = [];
    for (let j = 0; j <= n; j++) {
      const f = new Float64Array(i * j + 1);
      if (i === 0 || j === 0) f[0] = 1;
      else {
        const up = previous[j]!;
        const left = row[j - 1]!;
        const pi = i / (i + j);
        const pj = j / (i + j);
        for (let u = 0; u < f.length; u++) f[u] = (u >= j && u - j < up.length ? pi * up[u - j]! : 0) + (u < left.length ? pj * left[u]! : 0);
      }
      row.push(f);
    }
    previous = row;
  }
  const density = previous[n]!;
  const cumulative = new Float64Array(density.length);
  let sum = 0;
  for (let u = 0; u < density.length; u++) cumulative[u] = sum += density[u]!;
  return cumulative;
}

/**
 * Mann-Whitney U of two sorted runs, two-sided, in O(nA + nB): exact for at most 30 spans a side
 * without ties, else the normal approximation with the tie and continuity corrections.
 * `undefined` when either run is empty.
 * @example mannWhitney([1, 2, 3], [4, 5, 6]).p; // 0.1
 */
export function mannWhitney(base: ArrayLike<number>, other: ArrayLike<number>): MannWhitneyResult | undefined {
  const n1 = base.length;
  const n2 = other.length;
  if (n1 === 0 || n2 === 0) return undefined;
  // One merge: U, and the tie groups across both runs for the variance.
  let u = 0;
  let ties = 0;
  let i = 0;
  let j = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && base[i]! < other[j]!) ? base[i]! : other[j]!;
    let ca = 0;
    let cb = 0;
    while (i < n1 && base[i] === v) {
      i++;
      ca++;
    }
    while (j < n2 && other[j] === v) {
      j++;
      cb++;
    }
    // Each b here is above the i - ca values of A already passed, level with the ca equal ones.
    u += cb * (i - ca) + 0.5 * cb * ca;
    const t = ca + cb;
    if (t > 1) ties += t * t * t - t;
  }
  const pairs = n1 * n2;
  const probabilityBSlower = u / pairs;
  if (ties === 0 && Math.max(n1, n2) <= EXACT_MANN_WHITNEY_MAX) {
    const cdf = exactUDistribution(n2, n1);
    const below = cdf[Math.round(u)]!;
    const above = 1 - (Math.round(u) > 0 ? cdf[Math.round(u) - 1]! : 0);
    return { u, probabilityBSlower, p: Math.min(1, 2 * Math.min(below, above)), z: null, exact: true };
  }
  const total = n1 + n2;
  const variance = (pairs / 12) * (total + 1 - ties / (total * (total - 1)));
  if (!(variance > 0)) return { u, probabilityBSlower, p: 1, z: 0, exact: false };
  const distance = Math.max(0, Math.abs(u - pairs / 2) - 0.5);
  const z = (Math.sign(u - pairs / 2) * distance) / Math.sqrt(variance);
  return { u, probabilityBSlower, p: Math.min(1, 2 * normalUpperTail(Math.abs(z))), z, exact: false };
}

/** Pairs (a, b) with b − a <= d, for sorted runs, in O(nA + nB). */
function pairsAtMost(base: ArrayLike<number>, other: ArrayLike<number>, d: number): number {
  const n1 = base.length;
  let count = 0;
  let i = 0;
  for (let j = 0; j < other.length; j++) {
    // The difference itself is compared, as the last pass of kthDifference does: b − d would round otherwise.
    const b = other[j]!;
    while (i < n1 && b - base[i]! > d) i++;
    count += n1 - i;
  }
  return count;
}

/**
 * The k-th smallest (1-based) of all nA·nB differences b − a, without listing them: bisection on
 * the value, counting pairs in linear time, then the largest difference at or below the bound.
 */
export function kthDifference(base: ArrayLike<number>, other: ArrayLike<number>, k: number): number {
  const n1 = base.length;
  const n2 = other.length;
  let lo = other[0]! - base[n1 - 1]!;
  let hi = other[n2 - 1]! - base[0]!;
  if (pairsAtMost(base, other, lo) >= k) return lo;
  // Invariant: fewer than k pairs at or below lo, at least k at or below hi.
  for (let step = 0; step < 200; step++) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    if (pairsAtMost(base, other, mid) >= k) hi = mid;
    else lo = mid;
  }
  let best = -Infinity;
  let i = 0;
  for (let j = 0; j < n2; j++) {
    const b = other[j]!;
    while (i < n1 && b - base[i]! > hi) i++;
    if (i < n1 && b - base[i]! > best) best = b - base[i]!;
  }
  return best;
}

/** The Hodges-Lehmann estimate of how much longer B's spans take than A's, with its interval. */
export interface ShiftEstimate {
  /** The median of all differences b − a, in the durations' unit (microseconds). */
  readonly shift: number;
  /** The interval's lower end, from U's distribution (Moses); `null` when the runs are too small for it. */
  readonly low: number | null;
  /** The interval's upper end; `null` when the runs are too small for it. */
  readonly high: number | null;
  /** `shift` over A's median: 0.05 is 5% slower. `null` when A's median is 0. */
  readonly relative: number | null;
}

/**
 * The Hodges-Lehmann shift of two sorted runs and its distribution-free interval (the ranks of
 * the ordered differences given by U's normal approximation), in O((nA + nB) · log range).
 * `undefined` when either run is empty.
 * @example hodgesLehmann([10, 20, 30], [15, 25, 35]).shift; // 5
 */
export function hodgesLehmann(base: ArrayLike<number>, other: ArrayLike<number>, confidence = DEFAULT_CONFIDENCE): ShiftEstimate | undefined {
  const n1 = base.length;
  const n2 = other.length;
  if (n1 === 0 || n2 === 0) return undefined;
  const pairs = n1 * n2;
  const middle = (pairs + 1) / 2;
  const shift = Number.isInteger(middle)
    ? kthDifference(base, other, middle)
    : (kthDifference(base, other, Math.floor(middle)) + kthDifference(base, other, Math.ceil(middle))) / 2;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const k = Math.floor(pairs / 2 - z * Math.sqrt((pairs * (n1 + n2 + 1)) / 12));
  const bounded = k >= 1;
  const median = base[nearestRank(n1, 50) - 1]!;
  return {
    shift,
    low: bounded ? kthDifference(base, other, k) : null,
    high: bounded ? kthDifference(base, other, pairs - k + 1) : null,
    relative: median === 0 ? null : shift / median,
  };
}

// ---------------------------------------------------------------------------------------------
// Outliers.

/** Spans outside Tukey's fences, counted and never dropped: they are real latencies. */
export interface OutlierCounts {
  /** The first and third quartiles (nearest rank) and their distance. */
  readonly q1: number;
  readonly q3: number;
  readonly iqr: number;
  /** Below Q1 − 1.5·IQR but not below Q1 − 3·IQR. */
  readonly lowMild: number;
  /** Below Q1 − 3·IQR. */
  readonly lowSevere: number;
  /** Above Q3 + 1.5·IQR but not above Q3 + 3·IQR. */
  readonly highMild: number;
  /** Above Q3 + 3·IQR. */
  readonly highSevere: number;
  /** All four. */
  readonly total: number;
}

/** The number of sorted values below `v`. */
function countBelow(sorted: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The number of sorted values at or below `v`. */
function countAtMost(sorted: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Tukey's fences of sorted durations: the counts beyond 1.5 and 3 interquartile ranges, in
 * O(log n). `undefined` for no durations.
 * @example tukeyOutliers([1, 2, 3, 4, 100]).highSevere; // 1
 */
export function tukeyOutliers(sorted: ArrayLike<number>): OutlierCounts | undefined {
  const n = sorted.length;
  if (n === 0) return undefined;
  const q1 = sorted[nearestRank(n, 25) - 1]!;
  const q3 = sorted[nearestRank(n, 75) - 1]!;
  const iqr = q3 - q1;
  const lowSevere = countBelow(sorted, q1 - 3 * iqr);
  const lowMild = countBelow(sorted, q1 - 1.5 * iqr) - lowSevere;
  const highSevere = n - countAtMost(sorted, q3 + 3 * iqr);
  const highMild = n - countAtMost(sorted, q3 + 1.5 * iqr) - highSevere;
  return { q1, q3, iqr, lowMild, lowSevere, highMild, highSevere, total: lowMild + lowSevere + highMild + highSevere };
}

// ---------------------------------------------------------------------------------------------
// The comparison of one span name.

/** The change in one percentile between two runs, and what it means. */
export interface PercentileChange {
  readonly percentile: ComparedPercentile;
  /** A's and B's value (microseconds); `null` when a run has no durations. */
  readonly base: number | null;
  readonly other: number | null;
  /** B / A − 1 with its bootstrap interval; `null` when a run has no durations. */
  readonly change: ChangeInterval | null;
  /** `faster` or `slower` only when significant and beyond the noise threshold; see `verdictOf`. */
  readonly verdict: Verdict;
  /** Spans each run needs for a verdict on this percentile (`minSpansFor`). */
  readonly minSpans: number;
}

/** Everything a comparison says about one span name's durations. */
export interface DurationComparison {
  readonly p50: PercentileChange;
  readonly p90: PercentileChange;
  readonly p99: PercentileChange;
  /** Mann-Whitney U of B against A; `null` when a run has no durations. */
  readonly mannWhitney: MannWhitneyResult | null;
  /** The Hodges-Lehmann shift of B against A; `null` when a run has no durations. */
  readonly shift: ShiftEstimate | null;
  /** Tukey's outlier counts of each run; `null` for a run without durations. */
  readonly outliers: { readonly base: OutlierCounts | null; readonly other: OutlierCounts | null };
  /** The verdict on the median (`p50.verdict`): the headline of the row. */
  readonly verdict: Verdict;
}

/** Options of a comparison's statistics. */
export interface CompareStatsOptions {
  /**
   * Changes of at most this fraction are `no change` however significant (0.02 = 2%).
   * @default 0.02
   */
  readonly noise?: number;
  /** Confidence of the intervals, between 0 and 1; the significance level is 1 − confidence. @default 0.95 */
  readonly confidence?: number;
  /** Bootstrap resamples. @default 2000 */
  readonly resamples?: number;
  /**
   * Seed of the bootstrap: the same runs and seed give the same intervals. Each span name and
   * percentile draws from its own stream of it, so adding a name changes no other row.
   * @default 0x5eed
   */
  readonly seed?: number;
}

/**
 * The verdict on a change: `slower` when it is significant (its interval lies above 0, and
 * `significant` agrees, e.g. Mann-Whitney's p for the median) and its estimate is above `noise`;
 * `faster` likewise below; `no change` otherwise.
 * @example verdictOf({ change: 0.05, low: 0.03, high: 0.07 }, 0.02); // 'slower'
 */
export function verdictOf(change: ChangeInterval, noise: number, significant = true): Verdict {
  if (significant && change.low > 0 && change.change > noise) return 'slower';
  if (significant && change.high < 0 && change.change < -noise) return 'faster';
  return 'no change';
}

/**
 * Compares two runs' sorted durations of one span name: see `DurationComparison`. Runs in
 * O(n log range) for the shift plus O(resamples) for the intervals: 100,000 spans a side take
 * a few tenths of a second.
 * @example compareDurations(sortedA, sortedB, { noise: 0.02, seed: 1 }).verdict; // 'slower'
 * @throws {RangeError} when an array is not sorted ascending (they are, from `summarize`).
 */
export function compareDurations(base: ArrayLike<number>, other: ArrayLike<number>, options: CompareStatsOptions & { readonly stream?: string } = {}): DurationComparison {
  for (const run of [base, other]) {
    for (let i = 1; i < run.length; i++) if (!(run[i - 1]! <= run[i]!)) throw new RangeError('compareDurations: durations must be sorted ascending, without NaN');
  }
  const noise = options.noise ?? DEFAULT_NOISE;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const seed = options.seed ?? DEFAULT_SEED;
  const stream = options.stream ?? '';
  const mw = mannWhitney(base, other) ?? null;
  const significant = mw !== null && mw.p < 1 - confidence;
  const percentile = (p: ComparedPercentile): PercentileChange => {
    const minSpans = minSpansFor(p);
    const b = base.length === 0 ? null : base[nearestRank(base.length, p) - 1]!;
    const o = other.length === 0 ? null : other[nearestRank(other.length, p) - 1]!;
    const random = seededRandom(hashText(`${stream}\u0000p${p}`, seed));
    const change = bootstrapPercentileChange(base, other, p, { resamples: options.resamples ?? DEFAULT_RESAMPLES, confidence, random }) ?? null;
    let verdict: Verdict = 'not enough data';
    if (change !== null && b !== 0 && base.length >= minSpans && other.length >= minSpans) verdict = verdictOf(change, noise, p === 50 ? significant : true);
    return { percentile: p, base: b, other: o, change, verdict, minSpans };
  };
  const p50 = percentile(50);
  return {
    p50,
    p90: percentile(90),
    p99: percentile(99),
    mannWhitney: mw,
    shift: hodgesLehmann(base, other, confidence) ?? null,
    outliers: { base: tukeyOutliers(base) ?? null, other: tukeyOutliers(other) ?? null },
    verdict: p50.verdict,
  };
}
