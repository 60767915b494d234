// `deferred-span summary`: latency per service and span name of a span file, or of two side by side.
import { parseArgs } from 'node:util';
import { scanSpanFile } from '../read/span-file.js';
import { compareSummaries, SpanSummarizer, type SpanSummary, type SummaryComparison } from '../read/summarize.js';
import { formatMicros, printable } from '../read/waterfall.js';
import { useColour } from './colour.js';
import type { CliCommand } from './command.js';
import { NothingError, UsageError } from './errors.js';
import { EXIT_OK, EXIT_SKIPPED, EXIT_STATUS_HELP } from './exit-codes.js';
import type { CliIo } from './io.js';
import { parseCommandArgs } from './parse-args.js';
import { ProblemReport } from './problem-report.js';
import { describeReadError, noValidSpan } from './span-file-messages.js';

const SUMMARY_HELP = `Usage: deferred-span summary FILE [options]

Prints, per service and span name: count, errors (spans with an "error" tag), min, p50, p90, p99,
max and mean duration, and busy time (the time at least one such span was open: concurrent spans
count once). Percentiles are nearest-rank: always a duration that was seen.

Options:
  --json             print JSON for scripts (durations in microseconds)
  --compare OTHER    put a second run beside the first, with the ratio OTHER / FILE of p50 and p99
  --color            colour the ratios (red at 1.1× and above, green at 0.9× and below) even when
                     not writing to a terminal
  --no-color         no colour (so does the NO_COLOR environment variable)
  -h, --help         show this help

Examples:
  deferred-span summary spans.ndjson
  deferred-span summary before.ndjson --compare after.ndjson --json

${EXIT_STATUS_HELP}`;

/** The summary of one file, with where it came from; also the shape of the `--json` output. */
type FileSummary = SpanSummary & { file: string; lines: number; skipped: number };

async function summarizeFile(path: string, problems: ProblemReport): Promise<FileSummary> {
  const summarizer = new SpanSummarizer();
  const before = problems.skipped;
  let lines: number;
  try {
    ({ lines } = await scanSpanFile(path, (span) => summarizer.add(span), (p) => problems.add(path, p)));
  } catch (error) {
    throw new NothingError(describeReadError(path, error));
  }
  const summary = summarizer.result();
  const skipped = problems.skipped - before;
  if (summary.spans === 0) throw new NothingError(noValidSpan(path, lines, skipped));
  return { file: path, lines, skipped, ...summary };
}

/** Lays out rows as columns: the first `leftColumns` left-aligned, the rest right-aligned. */
function table(header: string[], rows: string[][], leftColumns: number): string[] {
  // A loop, not Math.max(...rows): a file of a million span names would overflow the stack.
  const widths = header.map((h) => h.length);
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

const micros = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : formatMicros(v));
// Span data is shown escaped: a name holding ESC or BEL must not drive the terminal.
const label = (s: string, none: string): string => (s === '' ? none : printable(s));

function coverage(s: FileSummary): string {
  const span = s.start === null || s.end === null ? 'no timestamps' :
    `${new Date(s.start / 1000).toISOString()} to ${new Date(s.end / 1000).toISOString()} (${formatMicros(s.end - s.start)} covered)`;
  return `${printable(s.file)}: ${s.spans} span${s.spans === 1 ? '' : 's'} in ${s.traces} trace${s.traces === 1 ? '' : 's'}, ${s.errors} with errors, ${span}${s.skipped > 0 ? `; ${s.skipped} bad lines skipped` : ''}`;
}

function summaryLines(s: FileSummary): string[] {
  const rows = s.groups.map((g) => [
    label(g.serviceName, '(no service)'), label(g.name, '(unnamed)'), String(g.count), String(g.errors),
    micros(g.min), micros(g.p50), micros(g.p90), micros(g.p99), micros(g.max), micros(g.mean), formatMicros(g.busy),
  ]);
  return [coverage(s), '', ...table(['service', 'span', 'count', 'errors', 'min', 'p50', 'p90', 'p99', 'max', 'mean', 'busy'], rows, 2)];
}

function comparisonLines(c: SummaryComparison, base: FileSummary, other: FileSummary, colour: boolean): string[] {
  const times = (r: number | null): string => (r === null ? '—' : `${r.toFixed(2)}×`);
  const paint = (r: number | null, text: string): string =>
    !colour || r === null || (r > 0.9 && r < 1.1) ? text : `\u001b[${r >= 1.1 ? '31' : '32'}m${text}\u001b[0m`;
  const rows = c.rows.map((r) => [
    label(r.serviceName, '(no service)'), label(r.name, '(unnamed)'),
    String(r.base?.count ?? 0), String(r.other?.count ?? 0),
    micros(r.base?.p50), micros(r.other?.p50), times(r.ratio.p50),
    micros(r.base?.p99), micros(r.other?.p99), times(r.ratio.p99),
  ]);
  const lines = table(['service', 'span', 'count A', 'count B', 'p50 A', 'p50 B', 'p50 B/A', 'p99 A', 'p99 B', 'p99 B/A'], rows, 2);
  // Colour after layout, so escape codes do not upset the column widths.
  const coloured = lines.map((line, i) => {
    const row = c.rows[i - 1];
    if (i === 0 || row === undefined || !colour) return line;
    const p50 = times(row.ratio.p50);
    const p99 = times(row.ratio.p99);
    const at99 = line.lastIndexOf(p99);
    let out = at99 >= 0 ? line.slice(0, at99) + paint(row.ratio.p99, p99) + line.slice(at99 + p99.length) : line;
    const at50 = out.lastIndexOf(p50, at99 >= 0 ? at99 - 1 : undefined);
    if (at50 >= 0) out = out.slice(0, at50) + paint(row.ratio.p50, p50) + out.slice(at50 + p50.length);
    return out;
  });
  return [`A: ${coverage(base)}`, `B: ${coverage(other)}`, '', ...coloured];
}

// DEL and C1 controls can only sit inside JSON strings, where \u escapes mean the same characters.
const JSON_UNESCAPED_CONTROLS = /[\u007f-\u009f]/g;

/**
 * `value` as JSON, indented, with no raw control character: JSON.stringify escapes C0 but leaves
 * DEL and C1 (0x9b is CSI to many terminals) as they are, so those are written as \u escapes.
 */
function json(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(JSON_UNESCAPED_CONTROLS, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

async function summary(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('summary', () =>
    parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        compare: { type: 'string' },
        color: { type: 'boolean' },
        'no-color': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help === true) {
    io.stdout.write(SUMMARY_HELP + '\n');
    return EXIT_OK;
  }
  const path = positionals[0];
  if (path === undefined) throw new UsageError('missing FILE: say which spans to summarise, like `deferred-span summary spans.ndjson`. Run `deferred-span summary --help` for more.');
  if (positionals.length > 1) throw new UsageError(`one FILE at a time, got ${positionals.length}: ${positionals.join(' ')}; to set two runs side by side use --compare OTHER_FILE`);
  if (/^https?:\/\//i.test(path)) throw new UsageError('summary reads files only; to look at a Zipkin trace use `deferred-span view URL`');
  const problems = new ProblemReport(io);
  const base = await summarizeFile(path, problems);
  const other = typeof values.compare === 'string' ? await summarizeFile(values.compare, problems) : undefined;
  problems.finish();
  if (other === undefined) {
    io.stdout.write((values.json === true ? json(base) : summaryLines(base).join('\n')) + '\n');
  } else {
    const c = compareSummaries(base, other);
    if (values.json === true) io.stdout.write(json({ base, other, rows: c.rows }) + '\n');
    else io.stdout.write(comparisonLines(c, base, other, useColour(values, io)).join('\n') + '\n');
  }
  return problems.skipped > 0 ? EXIT_SKIPPED : EXIT_OK;
}

/** `summary FILE [--compare OTHER]`: for latency per span name, and for comparing two runs. */
export const summaryCommand: CliCommand = {
  name: 'summary',
  synopsis: 'FILE [--json] [--compare OTHER]',
  summary: 'latency per service and span name',
  usage: SUMMARY_HELP,
  run: summary,
};
