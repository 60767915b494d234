// Small statistics helpers for the benchmark runner.

/** The median of a list of numbers (NaN when empty). */
export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** The spread of a list as [min, max]. */
export function range(values) {
  const v = values.filter((x) => Number.isFinite(x));
  return v.length === 0 ? [NaN, NaN] : [Math.min(...v), Math.max(...v)];
}

/** Samples with their median and spread: { median, min, max, samples }. */
export function spreadOf(samples) {
  const [min, max] = range(samples);
  return { median: median(samples), min, max, samples };
}

/**
 * A distribution-free 95% interval for the median of a list: the order statistics whose ranks a
 * binomial(n, 1/2) keeps within about 1.96 standard deviations of n/2. [NaN, NaN] below 6 values.
 */
export function medianInterval(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const n = v.length;
  if (n < 6) return [NaN, NaN];
  const k = Math.max(1, Math.floor(n / 2 - 0.98 * Math.sqrt(n)));
  return [v[k - 1], v[n - k]];
}
