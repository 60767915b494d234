// `deferred-span list`: one line per trace of a span file or a Zipkin server, to find the one to view.
import { parseDuration, TraceLister, type TraceListEntry, type TraceListFilter } from '../read/trace-list.js';
import { formatMicros, printable } from '../read/waterfall.js';
import { DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_MILLIS, fetchRecentTraces, type ZipkinQueryOptions } from '../read/zipkin-query.js';
import { useColour } from './colour.js';
import type { CliCommand } from './command.js';
import { NothingError, UsageError } from './errors.js';
import { EXIT_OK, EXIT_SKIPPED, EXIT_STATUS_HELP } from './exit-codes.js';
import type { CliIo } from './io.js';
import { parseCommandArgs, parseLimit } from './parse-args.js';
import { ProblemReport } from './problem-report.js';
import { noValidSpan, scanSpanFileOrNothing } from './span-file-messages.js';
import { isZipkinUrl, parseQueryOptions, redactUrl, refuseQueryOptionsForFile, rethrowQueryError } from './zipkin-options.js';

/** Traces listed unless `--limit` says otherwise. */
const DEFAULT_LIMIT = 20;
/** With a URL and a filter Zipkin's query cannot apply: traces asked for per trace wanted. */
const FETCH_FACTOR = 10;
/** The most traces asked of Zipkin in one query. */
const MAX_FETCH = 1000;

const LIST_HELP = `Usage: deferred-span list FILE|URL [options]

Prints one line per trace, the newest first: trace ID, start time (UTC), duration (earliest start
to latest end), spans, errors (spans with an "error" tag), and the root span's service and name
(⚠ when the trace has no root: the earliest span stands in). Pass an ID to
\`deferred-span view FILE --trace ID\`.

FILE is NDJSON: one Zipkin v2 span (or a JSON array of spans) per line.
URL is a Zipkin server, like http://localhost:9411, read through /api/v2/traces: the newest traces
it returns (as many as --limit; ${FETCH_FACTOR} times as many, at most ${MAX_FETCH}, with --errors or
--min-duration, which are applied here).

Options:
  --limit N          list at most N traces (0 or all: every trace of a file). Default: ${DEFAULT_LIMIT}
  --service NAME     only traces with a span of this service
  --min-duration D   only traces lasting at least D, like 50ms, 1.5s, 200us
  --errors           only traces with an error
  --json             print a JSON array for scripts (times in microseconds)
  --max-bytes SIZE   with a URL: read at most SIZE of Zipkin's answer. Default: ${DEFAULT_MAX_BYTES / (1024 * 1024)}MiB
  --timeout SECONDS  with a URL: give up after this long. Default: ${DEFAULT_TIMEOUT_MILLIS / 1000}
  --color            colour even when not writing to a terminal
  --no-color         no colour (so does the NO_COLOR environment variable)
  -h, --help         show this help

Examples:
  deferred-span list /tmp/deferred-span/seed.ndjson
  deferred-span list spans.ndjson --errors --min-duration 50ms
  deferred-span list http://localhost:9411 --service proxy --limit 5 --json

${EXIT_STATUS_HELP}`;

function when(start: number | null): string {
  return start === null ? '?' : new Date(start / 1000).toISOString().replace('T', ' ').replace('Z', '');
}

/** The lines of the table: a header, then one row per trace. */
function formatList(entries: readonly TraceListEntry[], colour: boolean): string[] {
  const paint = (code: string, s: string): string => (colour ? `\u001b[${code}m${s}\u001b[0m` : s);
  const rows = entries.map((e) => [
    e.traceId,
    when(e.start),
    e.duration === null ? '?' : formatMicros(e.duration),
    String(e.spans),
    String(e.errors),
    (e.hasRoot ? '' : '⚠ ') + printable(`${e.rootService || 'unknown'}: ${e.rootName || '(unnamed)'}`),
  ]);
  const header = ['trace', 'start (UTC)', 'duration', 'spans', 'errors', 'root'];
  const widths = header.map((h) => h.length);
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i]!, c.length)));
  // Numbers right-aligned; the root's name last, never cut.
  const right = new Set([2, 3, 4]);
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [paint('2', line(header)), ...rows.map((r, k) => (entries[k]!.errors > 0 ? paint('31', line(r)) : line(r)))];
}

async function listFile(path: string, problems: ProblemReport): Promise<TraceLister> {
  const lister = new TraceLister();
  const { lines } = await scanSpanFileOrNothing(path, (span) => lister.add(span), (p) => problems.add(path, p));
  problems.finish();
  if (lister.size === 0) throw new NothingError(noValidSpan(path, lines, problems.skipped));
  return lister;
}

async function listZipkin(source: string, filter: TraceListFilter, query: ZipkinQueryOptions, problems: ProblemReport): Promise<TraceLister> {
  const url = redactUrl(source);
  const filtered = filter.errors === true || (filter.minDuration ?? 0) > 0;
  const wanted = filter.limit === undefined || filter.limit === Infinity ? MAX_FETCH : filter.limit;
  const limit = Math.min(MAX_FETCH, filtered ? wanted * FETCH_FACTOR : wanted);
  try {
    const { traces, problems: found } = await fetchRecentTraces(source, { ...query, limit, ...(filter.service === undefined ? {} : { serviceName: filter.service }) });
    for (const p of found) problems.add(url, p);
    problems.finish();
    const lister = new TraceLister();
    for (const trace of traces) for (const span of trace) lister.add(span);
    return lister;
  } catch (error) {
    rethrowQueryError(error, query);
  }
}

async function list(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(listCommand, args, io, {
    limit: { type: 'string' },
    service: { type: 'string' },
    'min-duration': { type: 'string' },
    errors: { type: 'boolean' },
    json: { type: 'boolean' },
    'max-bytes': { type: 'string' },
    timeout: { type: 'string' },
    color: { type: 'boolean' },
    'no-color': { type: 'boolean' },
  });
  if (parsed === undefined) return EXIT_OK;
  const { values, positionals } = parsed;
  const source = positionals[0];
  if (source === undefined) throw new UsageError('missing FILE or URL: say which spans to list, like `deferred-span list spans.ndjson`. Run `deferred-span list --help` for more.');
  if (positionals.length > 1) throw new UsageError(`one FILE or URL at a time, got ${positionals.length}: ${positionals.join(' ')}`);
  const filter: { limit: number; service?: string; minDuration?: number; errors?: boolean } = {
    limit: typeof values.limit === 'string' ? parseLimit(values.limit, 'traces', 'every trace') : DEFAULT_LIMIT,
  };
  if (typeof values.service === 'string') filter.service = values.service;
  if (values.errors === true) filter.errors = true;
  if (typeof values['min-duration'] === 'string') {
    const d = parseDuration(values['min-duration']);
    if (d === undefined) throw new UsageError(`--min-duration: expected a duration with its unit, like 50ms, 1.5s or 200us, got "${values['min-duration']}"`);
    filter.minDuration = d;
  }
  const query = parseQueryOptions(values);
  const isUrl = isZipkinUrl(source);
  if (!isUrl) refuseQueryOptionsForFile(query);
  const problems = new ProblemReport(io);
  const lister = isUrl ? await listZipkin(source, filter, query, problems) : await listFile(source, problems);
  const entries = lister.list(filter);
  if (values.json === true) {
    io.stdout.write(JSON.stringify(entries, null, 2) + '\n');
  } else if (entries.length === 0) {
    const asked = [filter.service === undefined ? '' : `of service "${filter.service}"`, filter.errors === true ? 'with errors' : '', filter.minDuration === undefined ? '' : `lasting at least ${formatMicros(filter.minDuration)}`].filter((s) => s !== '');
    io.stdout.write(printable(`no traces${asked.length > 0 ? ' ' + asked.join(', ') : ''} among the ${lister.size} read`) + '\n');
  } else {
    io.stdout.write(formatList(entries, useColour(values, io)).join('\n') + '\n');
    if (entries.length === filter.limit && lister.list({ ...filter, limit: filter.limit + 1 }).length > filter.limit) {
      io.stdout.write(`… the ${entries.length} newest shown; --limit N for more, or --limit all\n`);
    }
  }
  return problems.skipped > 0 ? EXIT_SKIPPED : EXIT_OK;
}

/** `list FILE|URL`: for finding the trace to view. */
export const listCommand: CliCommand = {
  name: 'list',
  synopsis: 'FILE|URL [--limit N]',
  summary: 'one line per trace, the newest first',
  usage: LIST_HELP,
  run: list,
};
