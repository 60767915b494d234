// `deferred-span view`: one trace as a waterfall, from an NDJSON span file or a Zipkin server.
import type { SpanProblem } from '../read/span-file.js';
import { drawWaterfall, moreSpansLine, printable, TraceTreeBuilder, type TraceTree } from '../read/waterfall.js';
import { CredentialRedactor, DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_MILLIS, fetchRecentTraces, fetchTrace, urlCredentials, type ZipkinQueryOptions } from '../read/zipkin-query.js';
import type { ZipkinSpan } from '../model/zipkin-span.js';
import { useColour } from './colour.js';
import type { CliCommand } from './command.js';
import { NothingError, UsageError } from './errors.js';
import { EXIT_OK, EXIT_SKIPPED, EXIT_STATUS_HELP } from './exit-codes.js';
import type { CliIo } from './io.js';
import { parseCommandArgs, parseLimit } from './parse-args.js';
import { ProblemReport } from './problem-report.js';
import { noValidSpan, scanSpanFileOrNothing } from './span-file-messages.js';
import { isZipkinUrl, parseQueryOptions, redactUrl, refuseQueryOptionsForFile, rethrowQueryError } from './zipkin-options.js';

/** Spans drawn unless `--limit` says otherwise: a few screens, and quick on a trace of millions. */
const DEFAULT_LIMIT = 500;
/** Lines written per call when a waterfall is long: no one string holds a million rows. */
const LINES_PER_WRITE = 1000;

const VIEW_HELP = `Usage: deferred-span view FILE|URL [options]

Draws one trace as a waterfall: a row per span, indented by parentage, with service, name,
start offset, duration and a bar scaled to the trace, and the span's annotations and error beneath
it. A server span that joined its client's span is drawn under the client half. A span whose parent
is not in the input is still drawn, as a root marked ⚠ orphan. A server span timed by another host
(its IP, else its service) that starts before its client span or ends after it is moved into it, as
Zipkin's UI corrects clock skew, with its subtree, and marked ⇆ (skew +12.000ms). Control characters in span data
are shown escaped, like \\x1b, so a span cannot drive the terminal.

FILE is NDJSON: one Zipkin v2 span (or a JSON array of spans) per line.
URL is a Zipkin server, like http://localhost:9411 (read through /api/v2/traces and /api/v2/trace/ID);
credentials in it (http://user:password@host) are sent as Basic auth and never printed.

Options:
  --trace ID         the trace to draw (16 or 32 hex characters); default: the newest trace
  --service NAME     with a URL and no --trace: the newest trace of this service
  --limit N          draw the first N spans, in row order, and count the rest in a last line;
                     0 or all: draw every span (then all are held in memory). Default: ${DEFAULT_LIMIT}
  --width N          columns to use; default: the terminal's width, else 120
  --max-bytes SIZE   with a URL: read at most SIZE of Zipkin's answer, in bytes or with a unit
                     (KiB, MiB, GiB); a longer answer stops with exit status 3. Default: ${DEFAULT_MAX_BYTES / (1024 * 1024)}MiB
  --timeout SECONDS  with a URL: give up when Zipkin has not sent its whole answer in this time.
                     Default: ${DEFAULT_TIMEOUT_MILLIS / 1000}
  --color            colour even when not writing to a terminal
  --no-color         no colour (so does the NO_COLOR environment variable)
  -h, --help         show this help

Examples:
  deferred-span view /tmp/deferred-span/seed.ndjson
  deferred-span view http://localhost:9411 --trace 4e441824ec2b6a44ffdc9bb9a6453df3
  deferred-span view big.ndjson --limit all

${EXIT_STATUS_HELP}`;

/**
 * The trace to draw, laid out, with a way to get the spans of the rows to draw, and a line saying
 * which trace it is when none was asked for.
 */
interface ChosenTrace {
  readonly tree: TraceTree;
  /** The spans of these ordinals of `tree`, whole: from memory, or by reading the file again. */
  readonly spansFor: (ordinals: Int32Array) => Promise<(ordinal: number) => ZipkinSpan>;
  readonly note: string;
}

const TRACE_ID = /^[0-9a-f]{16}(?:[0-9a-f]{16})?$/;

/** 64-bit and 128-bit forms of one trace ID match on the low 64 bits, as Zipkin's lenient lookup does. */
function sameTrace(a: string, b: string): boolean {
  if (a === b) return true;
  return a.length !== b.length && a.slice(-16) === b.slice(-16);
}

/** Reads a span file, calling `onSpan` for each valid span (return `false` to stop); a file that cannot be read is a NothingError. */
type FileReader = (onSpan: (span: ZipkinSpan, line: number) => unknown, onProblem?: (problem: SpanProblem) => void) => Promise<{ lines: number }>;

/**
 * Reads a span file for one trace without keeping its spans: one pass lays the trace out in
 * compact form (a second one when the newest trace is not the file's first), a last pass keeps
 * only the spans that will be drawn and stops once it has them. So memory follows the limit, not
 * the file.
 */
async function readTraceFromFile(path: string, wanted: string | undefined, problems: ProblemReport): Promise<ChosenTrace> {
  const read: FileReader = (onSpan, onProblem) => scanSpanFileOrNothing(path, onSpan, onProblem);
  let builder: TraceTreeBuilder;
  let inTrace: (span: ZipkinSpan) => boolean;
  let note = '';
  if (wanted !== undefined) {
    builder = new TraceTreeBuilder();
    inTrace = (span) => sameTrace(span.traceId, wanted);
    let valid = 0;
    const { lines } = await read(
      (span) => {
        valid++;
        if (inTrace(span)) builder.add(span);
      },
      (p) => problems.add(path, p),
    );
    problems.finish();
    if (valid === 0) throw new NothingError(noValidSpan(path, lines, problems.skipped));
    if (builder.size === 0) {
      throw new NothingError(`no trace ${wanted} in ${path}; run \`deferred-span view ${path}\` without --trace to see the newest, or \`deferred-span summary ${path}\``);
    }
  } else {
    const newest = await newestTraceInFile(path, read, problems);
    inTrace = (span) => span.traceId === newest.traceId;
    if (newest.builder !== undefined) builder = newest.builder;
    else {
      const again = new TraceTreeBuilder();
      await read((span) => {
        if (inTrace(span)) again.add(span);
      });
      builder = again;
    }
    note = newest.traces > 1 ? `newest of ${newest.traces} traces in ${path}; pick another with --trace ID` : `the only trace in ${path}`;
  }
  const tree = builder.build();
  const spansFor = async (ordinals: Int32Array): Promise<(ordinal: number) => ZipkinSpan> => {
    const drawn = new Uint8Array(tree.added);
    for (const o of ordinals) drawn[o] = 1;
    const kept = new Map<number, ZipkinSpan>();
    let ordinal = 0;
    await read((span) => {
      if (!inTrace(span)) return true;
      if (drawn[ordinal] === 1 && tree.sameId(ordinal, span)) kept.set(ordinal, span);
      ordinal++;
      return kept.size < ordinals.length;
    });
    if (kept.size !== ordinals.length) throw new NothingError(`${path} changed while it was being read; run the command again`);
    return (o) => kept.get(o)!;
  };
  return { tree, spansFor, note };
}

/**
 * The newest trace of a file: the latest start; a trace without timestamps ranks by where it ends
 * in the file. The first trace of the file is laid out on the way: when it is the newest (always,
 * in a file of one trace) the file need not be read again for it.
 */
async function newestTraceInFile(path: string, read: FileReader, problems: ProblemReport): Promise<{ traceId: string; traces: number; builder: TraceTreeBuilder | undefined }> {
  interface TraceInfo {
    start: number;
    lastLine: number;
  }
  const traces = new Map<string, TraceInfo>();
  let valid = 0;
  let first: string | undefined;
  const firstTrace = new TraceTreeBuilder();
  const { lines } = await read(
    (span, line) => {
      valid++;
      first ??= span.traceId;
      if (span.traceId === first) firstTrace.add(span);
      const t = traces.get(span.traceId);
      const start = span.timestamp ?? Infinity;
      if (t === undefined) traces.set(span.traceId, { start, lastLine: line });
      else {
        t.start = Math.min(t.start, start);
        t.lastLine = line;
      }
    },
    (p) => problems.add(path, p),
  );
  problems.finish();
  if (valid === 0) throw new NothingError(noValidSpan(path, lines, problems.skipped));
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
  const traceId = newest![0];
  return { traceId, traces: traces.size, builder: traceId === first ? firstTrace : undefined };
}

/** The span with every secret taken out of its text, before any of it is cut to fit a column. */
function redactSpan(span: ZipkinSpan, redact: CredentialRedactor): ZipkinSpan {
  const r = (s: string): string => redact.text(s);
  const clean: ZipkinSpan = { ...span };
  if (span.name !== undefined) clean.name = r(span.name);
  if (span.localEndpoint?.serviceName !== undefined) clean.localEndpoint = { ...span.localEndpoint, serviceName: r(span.localEndpoint.serviceName) };
  if (span.remoteEndpoint?.serviceName !== undefined) clean.remoteEndpoint = { ...span.remoteEndpoint, serviceName: r(span.remoteEndpoint.serviceName) };
  if (span.annotations !== undefined) clean.annotations = span.annotations.map((a) => ({ ...a, value: r(a.value) }));
  if (span.tags !== undefined) clean.tags = Object.fromEntries(Object.entries(span.tags).map(([k, v]) => [r(k), r(v)]));
  return clean;
}

/** The earliest start of a trace's spans; a loop, as a spread of a big trace overflows the stack. */
function earliest(spans: readonly ZipkinSpan[]): number {
  let min = Infinity;
  for (const s of spans) if (s.timestamp !== undefined && s.timestamp < min) min = s.timestamp;
  return min;
}

async function readTraceFromZipkin(
  source: string,
  wanted: string | undefined,
  service: string | undefined,
  query: ZipkinQueryOptions,
  problems: ProblemReport,
): Promise<ChosenTrace> {
  const url = redactUrl(source);
  // Out of the span data before it is laid out: a secret cut to fit a column would escape `main`'s filter.
  const redact = new CredentialRedactor(urlCredentials(source));
  let spans: ZipkinSpan[];
  let note = '';
  try {
    if (wanted !== undefined) {
      const trace = await fetchTrace(source, wanted, query);
      if (trace === undefined) {
        throw new NothingError(`Zipkin at ${url} has no trace ${wanted}: it may be older than Zipkin keeps traces, or not yet indexed; run without --trace to see the newest`);
      }
      for (const p of trace.problems) problems.add(url, p);
      problems.finish();
      if (trace.spans.length === 0) throw new NothingError(`trace ${wanted} from ${url} holds no valid span`);
      spans = trace.spans;
    } else {
      const { traces, problems: found } = await fetchRecentTraces(source, { ...query, limit: 10, ...(service === undefined ? {} : { serviceName: service }) });
      for (const p of found) problems.add(url, p);
      problems.finish();
      let newest: ZipkinSpan[] | undefined;
      for (const t of traces) if (newest === undefined || earliest(t) > earliest(newest)) newest = t;
      if (newest === undefined) {
        throw new NothingError(`Zipkin at ${url} returned no traces${service === undefined ? '' : ` for service "${service}"`}; pass --trace ID, or check that spans were sent there`);
      }
      spans = newest;
      note = `newest trace from ${url}; pick another with --trace ID`;
    }
  } catch (error) {
    rethrowQueryError(error, query);
  }
  const clean = redact.empty ? spans : spans.map((s) => redactSpan(s, redact));
  const builder = new TraceTreeBuilder();
  for (const s of clean) builder.add(s);
  return { tree: builder.build(), spansFor: async () => (o) => clean[o]!, note };
}

async function view(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(viewCommand, args, io, {
    trace: { type: 'string' },
    service: { type: 'string' },
    limit: { type: 'string' },
    width: { type: 'string' },
    'max-bytes': { type: 'string' },
    timeout: { type: 'string' },
    color: { type: 'boolean' },
    'no-color': { type: 'boolean' },
  });
  if (parsed === undefined) return EXIT_OK;
  const { values, positionals } = parsed;
  const source = positionals[0];
  if (source === undefined) throw new UsageError('missing FILE or URL: say which spans to draw, like `deferred-span view spans.ndjson`. Run `deferred-span view --help` for more.');
  if (positionals.length > 1) throw new UsageError(`one FILE or URL at a time, got ${positionals.length}: ${positionals.join(' ')}`);
  let wanted: string | undefined;
  if (typeof values.trace === 'string') {
    wanted = values.trace.trim().toLowerCase();
    if (!TRACE_ID.test(wanted)) throw new UsageError(`--trace: expected a trace ID of 16 or 32 hex characters, got "${values.trace}"`);
  }
  const columns = io.stdout.columns;
  let width = io.stdout.isTTY === true && columns !== undefined && columns > 0 ? columns : 120;
  if (typeof values.width === 'string') {
    width = Number(values.width);
    if (!Number.isInteger(width) || width < 60) throw new UsageError(`--width: expected a whole number of columns, at least 60, got "${values.width}"`);
  }
  const limit = typeof values.limit === 'string' ? parseLimit(values.limit, 'spans to draw', 'every span') : DEFAULT_LIMIT;
  const query = parseQueryOptions(values);
  const isUrl = isZipkinUrl(source);
  if (!isUrl) {
    if (typeof values.service === 'string') throw new UsageError('--service works with a Zipkin URL only; for a file, pick the trace with --trace ID');
    refuseQueryOptionsForFile(query);
  }
  const problems = new ProblemReport(io);
  const { tree, spansFor, note } = isUrl
    ? await readTraceFromZipkin(source, wanted, values.service, query, problems)
    : await readTraceFromFile(source, wanted, problems);
  const colour = useColour(values, io);
  const dim = (text: string): string => (colour ? `\u001b[2m${text}\u001b[0m` : text);
  if (note !== '') io.stdout.write(dim(printable(note)) + '\n');
  const spanAt = await spansFor(tree.order.subarray(0, Math.min(limit, tree.order.length)));
  const { lines, undrawn } = drawWaterfall(tree, spanAt, { width, color: colour, limit });
  if (undrawn > 0) lines.push(dim(`${moreSpansLine(undrawn)} (use --limit N to draw more, or --limit all)`));
  for (let i = 0; i < lines.length; i += LINES_PER_WRITE) io.stdout.write(lines.slice(i, i + LINES_PER_WRITE).join('\n') + '\n');
  return problems.skipped > 0 ? EXIT_SKIPPED : EXIT_OK;
}

/** `view FILE|URL`: for seeing how one request spent its time, span by span. */
export const viewCommand: CliCommand = {
  name: 'view',
  synopsis: 'FILE|URL [--trace ID]',
  summary: 'draw one trace as a waterfall (the newest by default)',
  usage: VIEW_HELP,
  run: view,
};
