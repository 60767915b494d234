// `deferred-span report`: span files as one self-contained HTML page, to look at rather than read.
import { writeFile } from 'node:fs/promises';
import { formatMicros } from '../read/waterfall.js';
import type { CliCommand } from './command.js';
import { NothingError, UsageError } from './errors.js';
import { EXIT_OK, EXIT_SKIPPED, EXIT_STATUS_HELP } from './exit-codes.js';
import type { CliIo } from './io.js';
import { parseCommandArgs } from './parse-args.js';
import { ProblemReport } from './problem-report.js';
import { describeReadError, noValidSpan } from './span-file-messages.js';
import { isZipkinUrl } from './zipkin-options.js';

const DEFAULT_OUTPUT = 'report.html';
const DEFAULT_TRACES = 20;
const DEFAULT_MAX_SPANS = 500_000;

const REPORT_HELP = `Usage: deferred-span report FILE… [-o report.html] [options]

Writes one HTML file that works opened from disk, with no network at all (everything inline):
  - the list of traces, newest first, as \`deferred-span list\` prints them;
  - a waterfall of each of the newest traces, laid out as \`view\` draws it, clock skew corrected
    (⇆); click ▸/▾ to collapse or expand a subtree, click a span for its tags and annotations.
    Only the rows on screen are drawn, so a trace of 100,000 spans scrolls smoothly;
  - a latency histogram per service and span name, log-scaled, p50, p90 and p99 marked;
  - with two files, the runs overlaid in the histograms and compared as \`summary --compare\` does.

FILE is NDJSON: one Zipkin v2 span (or a JSON array of spans) per line. Each file is one run.

Options:
  -o, --output PATH  where to write the page. Default: ${DEFAULT_OUTPUT}
  --title TEXT       the page's title. Default: the files' names
  --traces N         waterfalls embedded per file, the newest traces. Default: ${DEFAULT_TRACES}
  --max-spans N      spans embedded at most over all waterfalls (the newest trace always is).
                     Default: ${DEFAULT_MAX_SPANS}
  -h, --help         show this help

Examples:
  deferred-span report /tmp/deferred-span/seed.ndjson -o seed.html
  deferred-span report before.ndjson after.ndjson -o compare.html

${EXIT_STATUS_HELP}`;

function count(option: string, text: string, min: number): number {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isSafeInteger(n) || n < min) throw new UsageError(`${option}: expected a whole number of at least ${min}, got "${text}"`);
  return n;
}

async function report(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(reportCommand, args, io, {
    output: { type: 'string', short: 'o' },
    title: { type: 'string' },
    traces: { type: 'string' },
    'max-spans': { type: 'string' },
  });
  if (parsed === undefined) return EXIT_OK;
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new UsageError('missing FILE: say which span files to report on, like `deferred-span report spans.ndjson`. Run `deferred-span report --help` for more.');
  const url = positionals.find(isZipkinUrl);
  if (url !== undefined) throw new UsageError('report reads span files only; to look at a Zipkin server, open its UI, or use `deferred-span view URL`');
  const output = values.output ?? DEFAULT_OUTPUT;
  if (positionals.includes(output)) throw new UsageError(`-o ${output} would overwrite an input file; write the report somewhere else`);
  const traces = typeof values.traces === 'string' ? count('--traces', values.traces, 0) : DEFAULT_TRACES;
  const maxSpans = typeof values['max-spans'] === 'string' ? count('--max-spans', values['max-spans'], 1) : DEFAULT_MAX_SPANS;
  const problems = new ProblemReport(io);
  // Loaded here: the rest of the CLI does not pay for the page's script and style.
  const { buildReport } = await import('../report/build-report.js');
  let built: Awaited<ReturnType<typeof buildReport>>;
  try {
    built = await buildReport(positionals, { title: values.title ?? `deferred-span report: ${positionals.join(', ')}`, traces, maxSpans, onProblem: (file, p) => problems.add(file, p) });
  } catch (error) {
    // A system error names its file exactly; a search of the message could match a shorter name inside it.
    const path = (error as { path?: unknown }).path;
    const file = typeof path === 'string' ? path : positionals[0]!;
    if ((error as { code?: string }).code !== undefined) throw new NothingError(describeReadError(file, error));
    throw error;
  }
  problems.finish();
  for (const run of built.data.runs) if (run.spans === 0) throw new NothingError(noValidSpan(run.file, run.lines, run.skipped));
  try {
    await writeFile(output, built.html);
  } catch (error) {
    throw new NothingError(`cannot write ${output}: ${(error as Error).message}`);
  }
  const { data } = built;
  const embedded = data.traces.filter((t) => t.waterfall >= 0).length;
  const spanCount = data.runs.reduce((n, r) => n + r.spans, 0);
  const longest = data.traces.reduce((m, t) => Math.max(m, t.duration ?? 0), 0);
  io.stdout.write(
    `wrote ${output}: ${data.traces.length} traces listed, ${embedded} as waterfalls (${built.embeddedSpans.toLocaleString('en-US')} spans), ` +
      `${data.histograms.length} histograms${data.comparison === null ? '' : ', 2 runs compared'}; ${spanCount.toLocaleString('en-US')} spans read, longest trace ${formatMicros(longest)}\n`,
  );
  return problems.skipped > 0 ? EXIT_SKIPPED : EXIT_OK;
}

/** `report FILE…`: traces, waterfalls and latency histograms in one HTML file. */
export const reportCommand: CliCommand = {
  name: 'report',
  synopsis: 'FILE… [-o report.html]',
  summary: 'write one self-contained HTML page: traces, waterfalls, latency histograms',
  usage: REPORT_HELP,
  run: report,
};
