// Two runs side by side for the HTML report, as the text of a table: the columns the comparison
// has always had, then whatever statistics `compareSummaries` carries besides, each shown as found.
import type { SummaryComparison } from '../read/summarize.js';
import { formatMicros } from '../read/waterfall.js';

/** A comparison as the page draws it: cells are already text. */
export interface ComparisonTable {
  readonly headers: string[];
  readonly rows: string[][];
  /** Figures of the comparison as a whole (besides its rows), as `[name, value]`. */
  readonly notes: [string, string][];
}

const KNOWN_ROW_FIELDS = new Set(['serviceName', 'name', 'base', 'other', 'ratio']);
const KNOWN_FIELDS = new Set(['base', 'other', 'rows']);
/** Nested objects are flattened this deep; deeper values are shown as JSON. */
const MAX_FLATTEN = 2;

function number(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  const a = Math.abs(n);
  return a >= 100 ? n.toFixed(1) : a >= 1 ? n.toFixed(3) : n.toPrecision(3);
}

/** Any value as a cell: numbers rounded, lists joined, objects as `key: value` pairs. */
function cell(value: unknown, depth = 0): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return number(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length <= 8 ? `[${value.map((v) => cell(v, depth + 1)).join(', ')}]` : `${value.length} values`;
  if (typeof value === 'object' && depth < MAX_FLATTEN) {
    return Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${cell(v, depth + 1)}`).join(', ');
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The extra fields of a row, one level of objects opened into `key.sub` columns. */
function extras(row: Record<string, unknown>): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [key, value] of Object.entries(row)) {
    if (KNOWN_ROW_FIELDS.has(key)) continue;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [sub, v] of Object.entries(value as Record<string, unknown>)) out.push([`${key}.${sub}`, v]);
    } else out.push([key, value]);
  }
  return out;
}

const micros = (v: number | null | undefined): string => (typeof v === 'number' ? formatMicros(v) : '—');
const times = (v: number | null | undefined): string => (typeof v === 'number' ? `${v.toFixed(2)}×` : '—');

/**
 * The table of a comparison of two runs: per service and span name, each run's count, p50, p90
 * and p99, the ratios, and one column per further field found on the rows (statistics such as a
 * confidence interval or a verdict), whatever their shape.
 *
 * @example
 * const table = comparisonTable(compareSummaries(summarize(a), summarize(b)));
 */
export function comparisonTable(comparison: SummaryComparison): ComparisonTable {
  const extraColumns: string[] = [];
  const seen = new Set<string>();
  const rowExtras = comparison.rows.map((r) => {
    const found = extras(r as unknown as Record<string, unknown>);
    for (const [k] of found) {
      if (!seen.has(k)) {
        seen.add(k);
        extraColumns.push(k);
      }
    }
    return new Map(found);
  });
  const headers = ['service', 'span', 'base n', 'base p50', 'base p90', 'base p99', 'other n', 'other p50', 'other p90', 'other p99', 'p50 ×', 'p90 ×', 'p99 ×', ...extraColumns];
  const rows = comparison.rows.map((r, i) => {
    const ratio = (r.ratio ?? {}) as { p50?: number | null; p90?: number | null; p99?: number | null };
    return [
      r.serviceName,
      r.name,
      r.base === undefined ? '—' : String(r.base.count),
      micros(r.base?.p50),
      micros(r.base?.p90),
      micros(r.base?.p99),
      r.other === undefined ? '—' : String(r.other.count),
      micros(r.other?.p50),
      micros(r.other?.p90),
      micros(r.other?.p99),
      times(ratio.p50),
      times(ratio.p90),
      times(ratio.p99),
      ...extraColumns.map((c) => (rowExtras[i]!.has(c) ? cell(rowExtras[i]!.get(c)) : '')),
    ];
  });
  const notes: [string, string][] = [];
  for (const [key, value] of Object.entries(comparison as unknown as Record<string, unknown>)) {
    if (!KNOWN_FIELDS.has(key)) notes.push([key, cell(value)]);
  }
  return { headers, rows, notes };
}
