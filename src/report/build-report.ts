// The HTML report of one or more span files: traces listed, the newest laid out as waterfalls,
// latency histograms per span name, and two runs compared. Files are streamed twice: once for the
// figures (numbers only), once for the spans of the traces embedded, within a span budget.
import type { ZipkinSpan } from '../model/zipkin-span.js';
import { scanSpanFile, type SpanProblem } from '../read/span-file.js';
import { compareSummaries, SpanSummarizer, type SpanSummary } from '../read/summarize.js';
import { TraceLister, type TraceListEntry } from '../read/trace-list.js';
import { comparisonTable, type ComparisonTable } from './comparison-table.js';
import { DurationCollector, type LatencyHistogram } from './histograms.js';
import { reportHtml, scriptJson } from './html.js';
import { waterfallData } from './waterfall-data.js';

/** How `buildReport` chooses what to embed. */
export interface ReportOptions {
  /**
   * The page's title.
   * @default 'deferred-span report'
   */
  readonly title?: string;
  /**
   * Traces laid out as waterfalls, per file: the newest ones.
   * @default 20
   */
  readonly traces?: number;
  /**
   * Spans embedded at most, over all waterfalls; a trace that would pass it is listed but not
   * embedded (the first one always is, whatever its size).
   * @default 500000
   */
  readonly maxSpans?: number;
  /**
   * Traces listed at most, per file, the newest first.
   * @default 1000
   */
  readonly listed?: number;
  /**
   * Span names drawn as histograms at most, the most frequent kept.
   * @default 300
   */
  readonly histograms?: number;
  /** Called for each line of a file skipped as not a span. */
  readonly onProblem?: (file: string, problem: SpanProblem) => void;
}

/** One input file, as the report's header describes it. */
export interface ReportRun {
  readonly file: string;
  readonly spans: number;
  readonly traces: number;
  readonly skipped: number;
  readonly lines: number;
}

/** A listed trace: `list`'s entry with its run and its waterfall's index (-1 when not embedded). */
export type ReportTrace = TraceListEntry & { readonly run: number; readonly waterfall: number };

/** The data the page reads: everything but the waterfalls, which have a block each. */
export interface ReportData {
  readonly title: string;
  readonly runs: ReportRun[];
  readonly traces: ReportTrace[];
  readonly tracesNote: string;
  readonly histograms: LatencyHistogram[];
  readonly histogramsNote: string;
  readonly comparison: (ComparisonTable & { readonly baseFile: string; readonly otherFile: string }) | null;
}

/** What `buildReport` returns: the HTML, and what went into it. */
export interface BuiltReport {
  readonly html: string;
  readonly data: ReportData;
  /** Spans embedded in waterfalls. */
  readonly embeddedSpans: number;
}

/**
 * Reads span files (NDJSON, as `view` and `summary` read them) and writes the report page.
 * Spans of one file are one run; with exactly two files the second is compared with the first.
 *
 * @example
 * const { html } = await buildReport(['before.ndjson', 'after.ndjson']);
 * await writeFile('report.html', html);
 * @throws {Error} when a file cannot be read at all (missing, a folder), with its system error code.
 */
export async function buildReport(files: readonly string[], options: ReportOptions = {}): Promise<BuiltReport> {
  const perFile = options.traces ?? 20;
  const maxSpans = options.maxSpans ?? 500_000;
  const listed = options.listed ?? 1000;
  const durations = new DurationCollector(files.length);
  const runs: ReportRun[] = [];
  const summaries: SpanSummary[] = [];
  const lists: TraceListEntry[][] = [];
  const totals: number[] = [];
  for (const [run, file] of files.entries()) {
    const lister = new TraceLister();
    const summarizer = new SpanSummarizer();
    let skipped = 0;
    const { lines } = await scanSpanFile(
      file,
      (span) => {
        lister.add(span);
        summarizer.add(span);
        if (span.duration !== undefined) durations.add(run, span.localEndpoint?.serviceName ?? '', span.name ?? '', span.duration);
      },
      (p) => {
        skipped++;
        options.onProblem?.(file, p);
      },
    );
    const summary = summarizer.result();
    summaries.push(summary);
    const all = lister.list();
    totals.push(all.length);
    lists.push(all.slice(0, listed));
    runs.push({ file, spans: summary.spans, traces: summary.traces, skipped, lines });
  }

  // The newest traces of each file, within the budget.
  let budget = maxSpans;
  const chosen = files.map(() => new Map<string, ZipkinSpan[]>());
  for (const [run, list] of lists.entries()) {
    for (const t of list.slice(0, perFile)) {
      if (t.spans > budget && budget !== maxSpans) continue;
      budget -= t.spans;
      chosen[run]!.set(t.traceId, []);
    }
  }
  for (const [run, file] of files.entries()) {
    const wanted = chosen[run]!;
    if (wanted.size === 0) continue;
    await scanSpanFile(file, (span) => {
      wanted.get(span.traceId)?.push(span);
    });
  }
  const waterfalls: string[] = [];
  let embeddedSpans = 0;
  const traces: ReportTrace[] = [];
  for (const [run, list] of lists.entries()) {
    for (const t of list) {
      const spans = chosen[run]!.get(t.traceId);
      let waterfall = -1;
      if (spans !== undefined && spans.length > 0) {
        waterfall = waterfalls.length;
        waterfalls.push(scriptJson(waterfallData(spans)));
        embeddedSpans += spans.length;
        // Let the spans go before the next trace is laid out.
        chosen[run]!.delete(t.traceId);
      }
      traces.push({ ...t, run, waterfall });
    }
  }
  // Newest first over all runs: a run's traces stay together only when one run is given.
  if (files.length > 1) traces.sort((a, b) => (b.start ?? -Infinity) - (a.start ?? -Infinity));

  const notListed = totals.reduce((n, total, i) => n + total - lists[i]!.length, 0);
  const notEmbedded = traces.filter((t) => t.waterfall < 0).length;
  const tracesNote = [
    notListed > 0 ? `${notListed} older traces not listed (at most ${listed} per file).` : '',
    notEmbedded > 0 ? `${notEmbedded} listed traces are not embedded as waterfalls (the newest ${perFile} per file, ${maxSpans.toLocaleString('en-US')} spans at most).` : '',
  ].filter((s) => s !== '').join(' ');
  const histogramLimit = options.histograms ?? 300;
  const histograms = durations.histograms(histogramLimit);
  const histogramsNote = durations.size > histogramLimit ? `${durations.size - histogramLimit} less frequent span names not drawn.` : '';

  let comparison: ReportData['comparison'] = null;
  if (files.length === 2) {
    comparison = { ...comparisonTable(compareSummaries(summaries[0]!, summaries[1]!)), baseFile: files[0]!, otherFile: files[1]! };
  }
  const data: ReportData = { title: options.title ?? 'deferred-span report', runs, traces, tracesNote, histograms, histogramsNote, comparison };
  return { html: reportHtml({ title: data.title, data: scriptJson(data), waterfalls }), data, embeddedSpans };
}
