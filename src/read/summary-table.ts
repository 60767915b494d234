// The text tables of `deferred-span summary`: one run's latency, or two runs compared with their
// statistics. The CLI prints exactly what `formatSummaryTable` returns.
import { minSpansFor, type PercentileChange } from './compare-stats.js';
import type { RunEnvironment, SpanSummary, SummaryComparison } from './summarize.js';
import { formatMicros, printable } from './waterfall.js';
import { boolean, optional, parseOptions, rule } from '../model/option-rules.js';

/** A summary with where it was read from (the CLI's summaries have both): shown on its first line. */
export interface SourcedSummary extends SpanSummary {
  /** The file or URL it was read from. */
  readonly file?: string;
  /** Bad lines or spans skipped while reading it. */
  readonly skipped?: number;
}

/** Options of `formatSummaryTable`. */
export interface SummaryTableOptions {
  /** ANSI colour: verdicts red (slower) and green (faster), warnings yellow. @default false */
  readonly color?: boolean;
  /**
   * The widest a table line may be, in columns: service and span names are cut (with …) to fit, down to
   * 12 characters each. @default Infinity (no limit)
   */
  readonly width?: number;
}

const MIN_NAME_WIDTH = 12;

const TABLE_SHAPE = {
  color: optional(boolean('expected true or false')),
  width: optional(rule((v): v is number => typeof v === 'number' && v > 0, 'expected a positive number of columns, like 120, or Infinity for no limit')),
};

function isComparison(value: SpanSummary | SummaryComparison): value is SummaryComparison {
  return 'rows' in value && Array.isArray((value as SummaryComparison).rows);
}

const micros = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : formatMicros(v));
// Span data is shown escaped: a name holding ESC or BEL must not drive the terminal.
const label = (s: string, none: string): string => (s === '' ? none : printable(s));

/** A fraction as a signed percentage: `+5.0%`, `−0.3%`. */
function percent(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '+∞' : '−∞';
  const text = `${Math.abs(v * 100).toFixed(Math.abs(v) >= 10 ? 0 : 1)}%`;
  return (v < 0 ? '−' : '+') + text;
}

const times = (r: number | null): string => (r === null ? '—' : `${r.toFixed(2)}×`);

/** The interval of a change; `—` without enough data for one (it would only resample a few values). */
function interval(c: PercentileChange | undefined): string {
  return c === undefined || c.change === null || c.verdict === 'not enough data' ? '—' : `${percent(c.change.low)}…${percent(c.change.high)}`;
}

function pValue(p: number): string {
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function coverage(s: SourcedSummary): string {
  const span = s.start === null || s.end === null ? 'no timestamps' :
    `${new Date(s.start / 1000).toISOString()} to ${new Date(s.end / 1000).toISOString()} (${formatMicros(s.end - s.start)} covered)`;
  const skipped = s.skipped ?? 0;
  const text = `${count(s.spans, 'span')} in ${count(s.traces, 'trace')}, ${s.errors} with errors, ${span}${skipped > 0 ? `; ${skipped} bad lines skipped` : ''}`;
  return s.file === undefined ? text : `${printable(s.file)}: ${text}`;
}

/** One line saying what a run was measured on, from its environment span. */
export function environmentLine(e: RunEnvironment): string {
  const load = (v: number | null): string => (v === null ? '?' : v.toFixed(2));
  const parts = [
    e.host === null ? null : `host ${printable(e.host)}`,
    e.cpuModel === null && e.cpuCount === null ? null : `${e.cpuCount ?? '?'} × ${printable(e.cpuModel ?? 'unknown CPU')}`,
    e.os === null ? null : printable(e.os),
    e.nodeVersion === null ? null : `Node ${printable(e.nodeVersion)}`,
    e.loadStart === null && e.loadEnd === null ? null : `load average ${load(e.loadStart)} at start, ${load(e.loadEnd)} at end`,
  ].filter((p) => p !== null);
  return `measured on ${parts.join(', ')}${e.spans > 1 ? ` (${e.spans} environment spans${e.mixed ? ', not all alike' : ''})` : ''}`;
}

interface Column {
  readonly header: string;
  readonly left?: boolean;
  /** A name column: cut to fit the width. */
  readonly name?: boolean;
}

/** Cuts `text` to `width` characters, ending in … when cut. */
function cut(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : chars.slice(0, Math.max(1, width - 1)).join('') + '…';
}

/**
 * Lays out rows as columns, left- or right-aligned, two spaces apart, then colours the cells
 * `paint` names (after layout, so escape codes do not upset the widths). Name columns are cut
 * when the lines would pass `width`.
 */
function table(columns: readonly Column[], rows: string[][], width: number, paint?: (row: number, column: number, text: string) => string): string[] {
  const cells = rows.map((r) => [...r]);
  // A loop, not Math.max(...rows): a file of a million span names would overflow the stack.
  const widths = columns.map((c) => c.header.length);
  for (const r of cells) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  let total = widths.reduce((a, b) => a + b, 0) + 2 * (columns.length - 1);
  if (total > width) {
    // Shrink the widest name column first, a character at a time, down to the minimum.
    const names = columns.map((c, i) => (c.name === true ? i : -1)).filter((i) => i >= 0);
    while (total > width) {
      let widest = -1;
      for (const i of names) if (widths[i]! > Math.max(MIN_NAME_WIDTH, columns[i]!.header.length) && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
      if (widest < 0) break;
      widths[widest]!--;
      total--;
    }
    for (const r of cells) for (const i of names) r[i] = cut(r[i]!, widths[i]!);
  }
  const line = (r: string[], row: number): string =>
    r
      .map((c, i) => {
        const pad = widths[i]! - [...c].length;
        const text = paint === undefined || row < 0 ? c : paint(row, i, c);
        return columns[i]!.left === true ? text + ' '.repeat(pad) : ' '.repeat(pad) + text;
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header), -1), ...cells.map((r, i) => line(r, i))];
}

const SUMMARY_COLUMNS: readonly Column[] = [
  { header: 'service', left: true, name: true },
  { header: 'span', left: true, name: true },
  ...['count', 'errors', 'min', 'p50', 'p90', 'p99', 'max', 'mean', 'busy'].map((header) => ({ header })),
];

function summaryLines(s: SourcedSummary, width: number): string[] {
  const rows = s.groups.map((g) => [
    label(g.serviceName, '(no service)'), label(g.name, '(unnamed)'), String(g.count), String(g.errors),
    micros(g.min), micros(g.p50), micros(g.p90), micros(g.p99), micros(g.max), micros(g.mean), formatMicros(g.busy),
  ]);
  const head = [coverage(s)];
  if (s.environment !== null && s.environment !== undefined) head.push(environmentLine(s.environment));
  return [...head, '', ...table(SUMMARY_COLUMNS, rows, width)];
}

const COMPARISON_COLUMNS: readonly Column[] = [
  { header: 'service', left: true, name: true },
  { header: 'span', left: true, name: true },
  ...['count A', 'count B', 'p50 A', 'p50 B', 'p50 B/A', 'p50 95% CI', 'p99 A', 'p99 B', 'p99 B/A', 'p99 95% CI', 'p', 'shift', 'outliers A/B'].map((header) => ({ header })),
  { header: 'verdict', left: true },
];
const VERDICT_COLUMN = COMPARISON_COLUMNS.length - 1;

/** The verdict cell: the median's, and the tail's when it says something else. */
function verdictText(p50: PercentileChange | undefined, others: readonly (PercentileChange | undefined)[], fallback: string): string {
  if (p50 === undefined) return fallback;
  const differing = others.filter((c): c is PercentileChange => c !== undefined && c.verdict !== p50.verdict && c.verdict !== 'not enough data');
  return [p50.verdict, ...differing.map((c) => `p${c.percentile} ${c.verdict}`)].join('; ');
}

function comparisonLines(c: SummaryComparison, width: number, colour: boolean): string[] {
  const confidence = Math.round(c.settings.confidence * 100);
  const columns = confidence === 95 ? COMPARISON_COLUMNS : COMPARISON_COLUMNS.map((col) => ({ ...col, header: col.header.replace('95%', `${confidence}%`) }));
  const rows = c.rows.map((r) => {
    const s = r.stats;
    const outliers = s === null ? '—' : `${s.outliers.base?.total ?? 0}/${s.outliers.other?.total ?? 0}`;
    const shift = s?.shift ?? null;
    return [
      label(r.serviceName, '(no service)'), label(r.name, '(unnamed)'),
      String(r.base?.count ?? 0), String(r.other?.count ?? 0),
      micros(r.base?.p50), micros(r.other?.p50), times(r.ratio.p50), interval(s?.p50),
      micros(r.base?.p99), micros(r.other?.p99), times(r.ratio.p99), interval(s?.p99),
      s?.mannWhitney === null || s === null ? '—' : pValue(s.mannWhitney.p),
      shift === null ? '—' : (shift.shift < 0 ? '−' : '+') + formatMicros(Math.abs(shift.shift)),
      outliers,
      verdictText(s?.p50, [s?.p90, s?.p99], r.base === undefined ? 'only in B' : r.other === undefined ? 'only in A' : 'not enough data'),
    ];
  });
  const paint = (row: number, column: number, text: string): string => {
    if (!colour || column !== VERDICT_COLUMN) return text;
    const v = c.rows[row]?.verdict;
    const code = v === 'slower' ? '31' : v === 'faster' ? '32' : v === 'no change' ? '' : '2';
    return code === '' ? text : `\u001b[${code}m${text}\u001b[0m`;
  };
  const head = [`A: ${coverage(c.base)}`, `B: ${coverage(c.other)}`];
  for (const [run, s] of [['A', c.base], ['B', c.other]] as const) {
    if (s.environment !== null && s.environment !== undefined) head.push(`${run} ${environmentLine(s.environment)}`);
  }
  for (const w of c.warnings) head.push(colour ? `\u001b[33m⚠ ${w}\u001b[0m` : `⚠ ${w}`);
  const noise = `${+(c.settings.noise * 100).toFixed(2)}%`;
  const legend = [
    `CI: the ${confidence}% bootstrap interval of B / A − 1 (${c.settings.resamples} resamples, seed ${c.settings.seed}); p: Mann-Whitney U, two-sided;`,
    `shift: Hodges-Lehmann, B − A; outliers: beyond Tukey's 1.5×IQR fences, counted, never dropped.`,
    `slower/faster: significant (CI excludes 0; for p50 also p < ${+(1 - c.settings.confidence).toFixed(3)}) and beyond the noise threshold of ${noise};`,
    `not enough data: fewer than ${minSpansFor(50)} spans a run for p50, ${minSpansFor(90)} for p90, ${String(minSpansFor(99)).replace(/\B(?=(\d{3})+$)/g, ',')} for p99.`,
  ];
  return [...head, ...legend, '', ...table(columns, rows, width, paint)];
}

/**
 * The text `deferred-span summary` prints: for a summary, a line on what was read, what it was
 * measured on, and a table per service and span name (count, errors, min, p50, p90, p99, max,
 * mean, busy); for a comparison (`compareSummaries`, `compareRuns`), both runs, any warnings about
 * how they were measured, a legend, and per name p50 and p99 of each run, B / A, the bootstrap
 * intervals, Mann-Whitney's p, the Hodges-Lehmann shift, the outliers and the verdict. Lines end
 * in `\n` except the last. Span data is escaped: no name can drive the terminal.
 *
 * @example
 * console.log(formatSummaryTable(compareRuns(before.spans, after.spans), { color: process.stdout.isTTY }));
 * @throws {OptionsError} for a bad option, e.g. `width: expected a positive number of columns, like 120`.
 */
export function formatSummaryTable(value: SourcedSummary | SummaryComparison, options: SummaryTableOptions = {}): string {
  const o = parseOptions('formatSummaryTable', TABLE_SHAPE, options);
  const width = o.width ?? Infinity;
  const lines = isComparison(value) ? comparisonLines(value, width, o.color === true) : summaryLines(value, width);
  return lines.join('\n');
}
