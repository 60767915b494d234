#!/usr/bin/env node
// deferred-span: look at recorded spans. `view` draws a trace, `summary` reports latency.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ZipkinSpan } from '../model/zipkin-span.js';
import { scanSpanFile, type SpanProblem } from '../read/span-file.js';
import { compareSummaries, SpanSummarizer, type SpanSummary, type SummaryComparison } from '../read/summarize.js';
import { formatMicros, renderWaterfall } from '../read/waterfall.js';
import { fetchRecentTraces, fetchTrace, ZipkinQueryError } from '../read/zipkin-query.js';

/** Exit statuses, as documented in `--help`. */
const OK = 0;
const SKIPPED = 1;
const USAGE = 2;
const NOTHING = 3;

const EXIT_STATUS_HELP = `Exit status:
  0  done
  1  done, but bad input was skipped (each bad line is reported on stderr with its number)
  2  wrong usage: unknown command or option, missing or bad argument
  3  nothing to show: the file is missing or holds no valid span, the trace is unknown,
     or Zipkin could not be reached
  70 a bug in this tool (the stack trace is printed: please report it)`;

const MAIN_HELP = `Usage: deferred-span <command> [options]

Look at Zipkin v2 spans recorded to NDJSON files (the embedded default sink) or kept by Zipkin.

Commands:
  view FILE|URL [--trace ID]              draw one trace as a waterfall (the newest by default)
  summary FILE [--json] [--compare OTHER]  latency per service and span name

Options:
  -h, --help     show this help (or a command's: deferred-span view --help)
  -v, --version  print the version

${EXIT_STATUS_HELP}`;

const VIEW_HELP = `Usage: deferred-span view FILE|URL [options]

Draws one trace as a waterfall: a row per span, indented by parentage, with service, name,
start offset, duration and a bar scaled to the trace, and the span's annotations and error beneath
it. A server span that joined its client's span is drawn under the client half. A span whose parent
is not in the input is still drawn, as a root marked ⚠ orphan.

FILE is NDJSON: one Zipkin v2 span (or a JSON array of spans) per line.
URL is a Zipkin server, like http://localhost:9411 (read through /api/v2/traces and /api/v2/trace/ID).

Options:
  --trace ID       the trace to draw (16 or 32 hex characters); default: the newest trace
  --service NAME   with a URL and no --trace: the newest trace of this service
  --width N        columns to use; default: the terminal's width, else 120
  --color          colour even when not writing to a terminal
  --no-color       no colour (so does the NO_COLOR environment variable)
  -h, --help       show this help

Examples:
  deferred-span view /tmp/deferred-span/seed.ndjson
  deferred-span view http://localhost:9411 --trace 4e441824ec2b6a44ffdc9bb9a6453df3

${EXIT_STATUS_HELP}`;

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

/** A mistake in the command line: the message says what was wrong and what to do. */
class UsageError extends Error {}

/** Nothing to show: the message says what was missing. */
class NothingError extends Error {}

interface Io {
  readonly out: NodeJS.WriteStream;
  readonly err: NodeJS.WriteStream;
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Colour on a terminal, unless NO_COLOR or --no-color; FORCE_COLOR or --color turns it on anywhere. */
function useColour(flags: { color?: boolean | undefined; 'no-color'?: boolean | undefined }, stream: NodeJS.WriteStream): boolean {
  if (flags['no-color'] === true) return false;
  if (flags.color === true) return true;
  const noColor = process.env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0') return true;
  return stream.isTTY === true;
}

/** Runs parseArgs, turning its errors into ours, naming the command and the way to its help. */
function parsed<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const raw = (error as Error).message.replace(/\. To specify a positional argument starting with a '-'.*$/s, '');
    const message = raw.charAt(0).toLowerCase() + raw.slice(1);
    throw new UsageError(`${message}. Run \`deferred-span ${command} --help\` for the options.`);
  }
}

function describeReadError(path: string, error: unknown): string {
  const code = (error as { code?: string }).code;
  const why =
    code === 'ENOENT' ? 'no such file' :
    code === 'EISDIR' ? 'it is a folder, not a file' :
    code === 'EACCES' ? 'permission denied' :
    (error as Error).message;
  return `cannot read ${path}: ${why}${code ? ` (${code})` : ''}. Check the path; tracers without a sink write to $DEFERRED_SPAN_FILE, else to a file in $TMPDIR/deferred-span/`;
}

/** Reports skipped lines on stderr, the first few in full. */
class ProblemReport {
  readonly #io: Io;
  #shown = 0;
  skipped = 0;
  static readonly SHOWN = 10;

  constructor(io: Io) {
    this.#io = io;
  }

  add(source: string, problem: SpanProblem | string): void {
    this.skipped++;
    if (this.#shown >= ProblemReport.SHOWN) return;
    this.#shown++;
    const text = typeof problem === 'string' ? `${source}: skipped ${problem}` : `${source}:${problem.line}: skipped: ${problem.message}`;
    this.#io.err.write(text + '\n');
  }

  finish(): void {
    if (this.skipped > this.#shown) this.#io.err.write(`… and ${this.skipped - this.#shown} more skipped (${this.skipped} in all)\n`);
  }
}

const TRACE_ID = /^[0-9a-f]{16}(?:[0-9a-f]{16})?$/;

/** 64-bit and 128-bit forms of one trace ID match on the low 64 bits, as Zipkin's lenient lookup does. */
function sameTrace(a: string, b: string): boolean {
  if (a === b) return true;
  return a.length !== b.length && a.slice(-16) === b.slice(-16);
}

async function readTraceFromFile(path: string, wanted: string | undefined, problems: ProblemReport): Promise<{ spans: ZipkinSpan[]; note: string }> {
  interface TraceInfo {
    start: number;
    lastLine: number;
  }
  const traces = new Map<string, TraceInfo>();
  const spans: ZipkinSpan[] = [];
  let valid = 0;
  let lines: number;
  try {
    ({ lines } = await scanSpanFile(
      path,
      (span, line) => {
        valid++;
        if (wanted !== undefined) {
          if (sameTrace(span.traceId, wanted)) spans.push(span);
          return;
        }
        const t = traces.get(span.traceId);
        const start = span.timestamp ?? Infinity;
        if (t === undefined) traces.set(span.traceId, { start, lastLine: line });
        else {
          t.start = Math.min(t.start, start);
          t.lastLine = line;
        }
      },
      (p) => problems.add(path, p),
    ));
  } catch (error) {
    throw new NothingError(describeReadError(path, error));
  }
  problems.finish();
  if (valid === 0) {
    throw new NothingError(`no valid span in ${path} (${lines} line${lines === 1 ? '' : 's'}${problems.skipped > 0 ? `, ${problems.skipped} skipped` : ''}); it should hold one Zipkin v2 span as JSON per line`);
  }
  if (wanted !== undefined) {
    if (spans.length === 0) {
      throw new NothingError(`no trace ${wanted} in ${path}; run \`deferred-span view ${path}\` without --trace to see the newest, or \`deferred-span summary ${path}\``);
    }
    return { spans, note: '' };
  }
  // The newest trace: the latest start; a trace without timestamps ranks by where it ends in the file.
  let newest: [string, TraceInfo] | undefined;
  for (const entry of traces) {
    const [, t] = entry;
    if (newest === undefined) newest = entry;
    else {
      const [, n] = newest;
      const later = t.start === n.start ? t.lastLine > n.lastLine : (t.start !== Infinity && (n.start === Infinity || t.start > n.start));
      if (later) newest = entry;
    }
  }
  const [traceId] = newest!;
  await scanSpanFile(path, (span) => {
    if (span.traceId === traceId) spans.push(span);
  });
  const note = traces.size > 1 ? `newest of ${traces.size} traces in ${path}; pick another with --trace ID` : `the only trace in ${path}`;
  return { spans, note };
}

/** The URL as shown in messages: without user name or password. */
function redact(input: string): string {
  try {
    const u = new URL(input);
    u.username = '';
    u.password = '';
    return u.href;
  } catch {
    return input;
  }
}

async function readTraceFromZipkin(source: string, wanted: string | undefined, service: string | undefined, problems: ProblemReport): Promise<{ spans: ZipkinSpan[]; note: string }> {
  const url = redact(source);
  try {
    if (wanted !== undefined) {
      const trace = await fetchTrace(source, wanted);
      if (trace === undefined) {
        throw new NothingError(`Zipkin at ${url} has no trace ${wanted}: it may be older than Zipkin keeps traces, or not yet indexed; run without --trace to see the newest`);
      }
      for (const p of trace.problems) problems.add(url, p);
      problems.finish();
      if (trace.spans.length === 0) throw new NothingError(`trace ${wanted} from ${url} holds no valid span`);
      return { spans: trace.spans, note: '' };
    }
    const { traces, problems: found } = await fetchRecentTraces(source, { limit: 10, ...(service === undefined ? {} : { serviceName: service }) });
    for (const p of found) problems.add(url, p);
    problems.finish();
    const start = (t: ZipkinSpan[]): number => Math.min(...t.map((s) => s.timestamp ?? Infinity));
    const newest = traces.reduce<ZipkinSpan[] | undefined>((best, t) => (best === undefined || start(t) > start(best) ? t : best), undefined);
    if (newest === undefined) {
      throw new NothingError(`Zipkin at ${url} returned no traces${service === undefined ? '' : ` for service "${service}"`}; pass --trace ID, or check that spans were sent there`);
    }
    return { spans: newest, note: `newest trace from ${url}; pick another with --trace ID` };
  } catch (error) {
    if (error instanceof ZipkinQueryError) throw new NothingError(error.message);
    throw error;
  }
}

async function view(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parsed('view', () =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        trace: { type: 'string' },
        service: { type: 'string' },
        width: { type: 'string' },
        color: { type: 'boolean' },
        'no-color': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help === true) {
    io.out.write(VIEW_HELP + '\n');
    return OK;
  }
  const source = positionals[0];
  if (source === undefined) throw new UsageError('missing FILE or URL: say which spans to draw, like `deferred-span view spans.ndjson`. Run `deferred-span view --help` for more.');
  if (positionals.length > 1) throw new UsageError(`one FILE or URL at a time, got ${positionals.length}: ${positionals.join(' ')}`);
  let wanted: string | undefined;
  if (typeof values.trace === 'string') {
    wanted = values.trace.trim().toLowerCase();
    if (!TRACE_ID.test(wanted)) throw new UsageError(`--trace: expected a trace ID of 16 or 32 hex characters, got "${values.trace}"`);
  }
  let width = io.out.isTTY === true && io.out.columns > 0 ? io.out.columns : 120;
  if (typeof values.width === 'string') {
    width = Number(values.width);
    if (!Number.isInteger(width) || width < 60) throw new UsageError(`--width: expected a whole number of columns, at least 60, got "${values.width}"`);
  }
  const isUrl = /^https?:\/\//i.test(source);
  if (!isUrl && typeof values.service === 'string') throw new UsageError('--service works with a Zipkin URL only; for a file, pick the trace with --trace ID');
  const problems = new ProblemReport(io);
  const { spans, note } = isUrl
    ? await readTraceFromZipkin(source, wanted, values.service, problems)
    : await readTraceFromFile(source, wanted, problems);
  const colour = useColour(values, io.out);
  if (note !== '') io.out.write((colour ? `\u001b[2m${note}\u001b[0m` : note) + '\n');
  io.out.write(renderWaterfall(spans, { width, color: colour }).join('\n') + '\n');
  return problems.skipped > 0 ? SKIPPED : OK;
}

async function summarizeFile(path: string, problems: ProblemReport): Promise<SpanSummary & { file: string; lines: number; skipped: number }> {
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
  if (summary.spans === 0) {
    throw new NothingError(`no valid span in ${path} (${lines} line${lines === 1 ? '' : 's'}${skipped > 0 ? `, ${skipped} skipped` : ''}); it should hold one Zipkin v2 span as JSON per line`);
  }
  return { file: path, lines, skipped, ...summary };
}

/** Lays out rows as columns: the first `leftColumns` left-aligned, the rest right-aligned. */
function table(header: string[], rows: string[][], leftColumns: number): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

const micros = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : formatMicros(v));
const label = (s: string, none: string): string => (s === '' ? none : s);

function coverage(s: SpanSummary & { file: string; skipped: number }): string {
  const span = s.start === null || s.end === null ? 'no timestamps' :
    `${new Date(s.start / 1000).toISOString()} to ${new Date(s.end / 1000).toISOString()} (${formatMicros(s.end - s.start)} covered)`;
  return `${s.file}: ${s.spans} span${s.spans === 1 ? '' : 's'} in ${s.traces} trace${s.traces === 1 ? '' : 's'}, ${s.errors} with errors, ${span}${s.skipped > 0 ? `; ${s.skipped} bad lines skipped` : ''}`;
}

function summaryLines(s: SpanSummary & { file: string; skipped: number }): string[] {
  const rows = s.groups.map((g) => [
    label(g.serviceName, '(no service)'), label(g.name, '(unnamed)'), String(g.count), String(g.errors),
    micros(g.min), micros(g.p50), micros(g.p90), micros(g.p99), micros(g.max), micros(g.mean), formatMicros(g.busy),
  ]);
  return [coverage(s), '', ...table(['service', 'span', 'count', 'errors', 'min', 'p50', 'p90', 'p99', 'max', 'mean', 'busy'], rows, 2)];
}

function comparisonLines(c: SummaryComparison, base: SpanSummary & { file: string; skipped: number }, other: SpanSummary & { file: string; skipped: number }, colour: boolean): string[] {
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

async function summary(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parsed('summary', () =>
    parseArgs({
      args,
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
    io.out.write(SUMMARY_HELP + '\n');
    return OK;
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
    io.out.write((values.json === true ? JSON.stringify(base, null, 2) : summaryLines(base).join('\n')) + '\n');
  } else {
    const c = compareSummaries(base, other);
    if (values.json === true) io.out.write(JSON.stringify({ base, other, rows: c.rows }, null, 2) + '\n');
    else io.out.write(comparisonLines(c, base, other, useColour(values, io.out)).join('\n') + '\n');
  }
  return problems.skipped > 0 ? SKIPPED : OK;
}

/** Runs the command line; resolves to the exit status. */
async function main(argv: string[], io: Io = { out: process.stdout, err: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'view':
        return await view(rest, io);
      case 'summary':
        return await summary(rest, io);
      case 'help':
        io.out.write((rest[0] === 'view' ? VIEW_HELP : rest[0] === 'summary' ? SUMMARY_HELP : MAIN_HELP) + '\n');
        return OK;
      case '-h':
      case '--help':
        io.out.write(MAIN_HELP + '\n');
        return OK;
      case '-v':
      case '--version':
        io.out.write(version() + '\n');
        return OK;
      case undefined:
        io.err.write(MAIN_HELP + '\n');
        return USAGE;
      default:
        throw new UsageError(
          command.startsWith('-')
            ? `unknown option "${command}" before the command. Run \`deferred-span --help\` for usage.`
            : `unknown command "${command}": the commands are view and summary. Run \`deferred-span --help\` for usage.`,
        );
    }
  } catch (error) {
    const where = command === 'view' || command === 'summary' ? `deferred-span ${command}` : 'deferred-span';
    if (error instanceof UsageError) {
      io.err.write(`${where}: ${error.message}\n`);
      return USAGE;
    }
    if (error instanceof NothingError) {
      io.err.write(`${where}: ${error.message}\n`);
      return NOTHING;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`deferred-span: unexpected failure, please report it: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 70;
  },
);
