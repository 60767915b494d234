// One trace laid out for the HTML report: the same layout as `view` (TraceTreeBuilder, clock skew
// corrected), as compact rows the page draws on demand.
import type { ZipkinSpan } from '../model/zipkin-span.js';
import { orphanReason, TraceTreeBuilder } from '../read/waterfall.js';

/** Flags of a row, `WaterfallRow[6]`. */
export const ROW_ERROR = 1;
export const ROW_ORPHAN = 2;
/** Its own clock skew was corrected. */
export const ROW_SKEWED = 4;
/** Moved with a skewed ancestor. */
export const ROW_SHIFTED = 8;

/**
 * One drawn span: `[depth, name, service, kind, start, duration, flags, skew, id, parentId,
 * remoteService, orphanReason, tags, annotations]`. Strings are indexes into `strings` (-1 for
 * none); `start` is µs from the trace's start and `duration` µs, both -1 when unknown; `skew` is the
 * correction found at this span, µs; `tags` is `[key, value, key, value…]` and `annotations`
 * `[at, value, at, value…]`, `at` µs from the trace's start (corrected like the span).
 */
export type WaterfallRow = [number, number, number, number, number, number, number, number, number, number, number, number, number[], number[]];

/** A trace as the report's page reads it: rows in drawing order, depth first. */
export interface WaterfallData {
  readonly traceIds: readonly string[];
  /** Epoch µs of the corrected start; 0 when untimed. */
  readonly start: number;
  /** µs from start to the latest corrected end. */
  readonly duration: number;
  readonly services: number;
  readonly orphans: number;
  readonly skewed: number;
  readonly strings: string[];
  readonly rows: WaterfallRow[];
}

/**
 * Lays out one trace's spans for the report: the rows `view` would draw, in the same order, each
 * with what the page shows when it is clicked.
 *
 * @example
 * const data = waterfallData(spansOfOneTrace);
 * data.rows.length; // every span drawn, a re-sent half once
 */
export function waterfallData(spans: readonly ZipkinSpan[]): WaterfallData {
  const builder = new TraceTreeBuilder();
  for (const s of spans) builder.add(s);
  const tree = builder.build();
  const strings: string[] = [];
  const index = new Map<string, number>();
  const str = (s: string | undefined): number => {
    if (s === undefined) return -1;
    let k = index.get(s);
    if (k === undefined) {
      k = strings.length;
      strings.push(s);
      index.set(s, k);
    }
    return k;
  };
  const start = tree.start ?? 0;
  const rel = (at: number | undefined, shift: number): number => (at === undefined ? -1 : Math.max(0, at + shift - start));
  const rows: WaterfallRow[] = [];
  for (let k = 0; k < tree.order.length; k++) {
    const ordinal = tree.order[k]!;
    const span = spans[ordinal]!;
    const shift = tree.shift(ordinal);
    const skew = tree.skew(ordinal);
    const orphan = orphanReason(tree.orphanCode(ordinal), span);
    const tags: number[] = [];
    if (span.tags !== undefined) for (const [key, value] of Object.entries(span.tags)) tags.push(str(key), str(value));
    const annotations: number[] = [];
    if (span.annotations !== undefined) {
      for (const a of [...span.annotations].sort((x, y) => x.timestamp - y.timestamp)) annotations.push(rel(a.timestamp, shift), str(a.value));
    }
    const flags =
      (span.tags?.error !== undefined ? ROW_ERROR : 0) |
      (orphan !== undefined ? ROW_ORPHAN : 0) |
      (skew !== 0 ? ROW_SKEWED : 0) |
      (shift !== 0 && skew === 0 ? ROW_SHIFTED : 0);
    rows.push([
      tree.depth[k]!,
      str(span.name ?? '(unnamed)'),
      str(span.localEndpoint?.serviceName ?? 'unknown'),
      str(span.kind),
      rel(span.timestamp, shift),
      span.duration ?? -1,
      flags,
      skew,
      str(span.id),
      str(span.parentId),
      str(span.remoteEndpoint?.serviceName),
      str(orphan),
      tags,
      annotations,
    ]);
  }
  return {
    traceIds: tree.traceIds,
    start,
    duration: tree.start === undefined ? 0 : Math.max(0, (tree.end ?? start) - start),
    services: tree.services,
    orphans: tree.orphans,
    skewed: tree.skewed,
    strings,
    rows,
  };
}
