// `deferred-span view`: one trace as a waterfall, from an NDJSON span file or a Zipkin server.
import { parseArgs } from 'node:util';
import { scanSpanFile } from '../read/span-file.js';
import { renderWaterfall } from '../read/waterfall.js';
import { fetchRecentTraces, fetchTrace, ZipkinQueryError } from '../read/zipkin-query.js';
import type { ZipkinSpan } from '../model/zipkin-span.js';
import { useColour } from './colour.js';
import type { CliCommand } from './command.js';
import { NothingError, UsageError } from './errors.js';
import { EXIT_OK, EXIT_SKIPPED, EXIT_STATUS_HELP } from './exit-codes.js';
import type { CliIo } from './io.js';
import { parseCommandArgs } from './parse-args.js';
import { ProblemReport } from './problem-report.js';
import { describeReadError, noValidSpan } from './span-file-messages.js';

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

/** The spans of the trace to draw, and a line saying which trace it is when none was asked for. */
interface ChosenTrace {
  readonly spans: ZipkinSpan[];
  readonly note: string;
}

const TRACE_ID = /^[0-9a-f]{16}(?:[0-9a-f]{16})?$/;

/** 64-bit and 128-bit forms of one trace ID match on the low 64 bits, as Zipkin's lenient lookup does. */
function sameTrace(a: string, b: string): boolean {
  if (a === b) return true;
  return a.length !== b.length && a.slice(-16) === b.slice(-16);
}

async function readTraceFromFile(path: string, wanted: string | undefined, problems: ProblemReport): Promise<ChosenTrace> {
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
  if (valid === 0) throw new NothingError(noValidSpan(path, lines, problems.skipped));
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

async function readTraceFromZipkin(source: string, wanted: string | undefined, service: string | undefined, problems: ProblemReport): Promise<ChosenTrace> {
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

async function view(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('view', () =>
    parseArgs({
      args: [...args],
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
    io.stdout.write(VIEW_HELP + '\n');
    return EXIT_OK;
  }
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
  const isUrl = /^https?:\/\//i.test(source);
  if (!isUrl && typeof values.service === 'string') throw new UsageError('--service works with a Zipkin URL only; for a file, pick the trace with --trace ID');
  const problems = new ProblemReport(io);
  const { spans, note } = isUrl
    ? await readTraceFromZipkin(source, wanted, values.service, problems)
    : await readTraceFromFile(source, wanted, problems);
  const colour = useColour(values, io);
  if (note !== '') io.stdout.write((colour ? `\u001b[2m${note}\u001b[0m` : note) + '\n');
  io.stdout.write(renderWaterfall(spans, { width, color: colour }).join('\n') + '\n');
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
