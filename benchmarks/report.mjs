// Turns raw samples into tables: medians, overhead over the baseline, per-round paired ratios.
import { median, range } from './stats.mjs';

/** Per-round paired statistics of each scenario of one cell against its baseline. */
export function analyseCell(cell) {
  const base = cell.samples[cell.baseline];
  const rows = [];
  for (const [name, samples] of Object.entries(cell.samples)) {
    const ratios = samples.map((v, i) => v / base[i]);
    const overheads = samples.map((v, i) => v - base[i]);
    rows.push({
      name,
      medianNs: median(samples),
      overheadNs: median(overheads),
      ratio: median(ratios),
      ratioRange: range(ratios),
    });
  }
  return rows;
}

/** Median per-round ratio of overheads (a − base) / (b − base): how many times b's cost a costs. */
export function overheadRatio(cell, a, b) {
  const base = cell.samples[cell.baseline];
  const sa = cell.samples[a];
  const sb = cell.samples[b];
  if (!sa || !sb) return NaN;
  return median(sa.map((v, i) => (v - base[i]) / (sb[i] - base[i])));
}

const fmt = (x, digits = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');
export { fmt };

/** A markdown table of one cell. */
export function cellTable(cell) {
  const lines = ['| scenario | median ns/call | over bare, ns | ratio to bare (min–max) |', '| --- | ---: | ---: | ---: |'];
  for (const r of analyseCell(cell)) {
    lines.push(`| ${r.name} | ${fmt(r.medianNs)} | ${r.name === cell.baseline ? '' : fmt(r.overheadNs)} | ${fmt(r.ratio, 2)} (${fmt(r.ratioRange[0], 2)}–${fmt(r.ratioRange[1], 2)}) |`);
  }
  return lines.join('\n');
}
