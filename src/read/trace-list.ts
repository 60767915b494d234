import type { ZipkinSpan } from '../model/zipkin-span.js';

/** One trace as `deferred-span list` shows it. Times in microseconds. */
export interface TraceListEntry {
  readonly traceId: string;
  /** Earliest span start, epoch µs; `null` when no span has a timestamp. */
  readonly start: number | null;
  /** Latest span end minus earliest start, µs; `null` when no span has a timestamp. */
  readonly duration: number | null;
  /** The root's name: the earliest span without a parent, else the earliest span; '' when unnamed. */
  readonly rootName: string;
  /** The root's `localEndpoint.serviceName`; '' when absent. */
  readonly rootService: string;
  /** False when no span of the trace lacks a parent (the root was not recorded or not read). */
  readonly hasRoot: boolean;
  /** Spans read for the trace, both halves of a shared span counted. */
  readonly spans: number;
  /** Spans with an `error` tag. */
  readonly errors: number;
  /** Distinct service names. */
  readonly services: number;
}

/** Which traces `TraceLister.list` keeps, and how many. */
export interface TraceListFilter {
  /**
   * Only traces with at least one span of this service (`localEndpoint.serviceName`), as
   * Zipkin's search by service does.
   * @default undefined (every service)
   */
  readonly service?: string;
  /**
   * Only traces at least this long, µs.
   * @default 0
   */
  readonly minDuration?: number;
  /**
   * Only traces with at least one span tagged `error`.
   * @default false
   */
  readonly errors?: boolean;
  /**
   * At most this many traces, the newest first.
   * @default Infinity
   */
  readonly limit?: number;
}

interface TraceAccumulator {
  traceId: string;
  start: number;
  end: number;
  rootName: string;
  rootService: string;
  /** 2: a span without a parent; 1: some span; 0: none yet. */
  rootRank: number;
  rootAt: number;
  spans: number;
  errors: number;
  services: Set<string>;
  /** Position of its last span in the input, to order traces without timestamps. */
  last: number;
}

/**
 * Collects one line per trace from spans in any order, keeping a few numbers per trace rather
 * than the spans, so a file of millions of spans can be listed in bounded memory per trace.
 *
 * @example
 * const lister = new TraceLister();
 * await scanSpanFile('spans.ndjson', (span) => lister.add(span));
 * for (const t of lister.list({ limit: 10 })) console.log(t.traceId, t.rootName, t.duration);
 */
export class TraceLister {
  readonly #traces = new Map<string, TraceAccumulator>();
  #seen = 0;

  /** Distinct traces seen so far. */
  get size(): number {
    return this.#traces.size;
  }

  /** Adds one span to its trace. */
  add(span: ZipkinSpan): void {
    const position = this.#seen++;
    let t = this.#traces.get(span.traceId);
    if (t === undefined) {
      t = { traceId: span.traceId, start: Infinity, end: -Infinity, rootName: '', rootService: '', rootRank: 0, rootAt: Infinity, spans: 0, errors: 0, services: new Set(), last: position };
      this.#traces.set(span.traceId, t);
    }
    t.spans++;
    t.last = position;
    const service = span.localEndpoint?.serviceName ?? '';
    t.services.add(service);
    if (span.tags !== undefined && Object.hasOwn(span.tags, 'error')) t.errors++;
    const at = span.timestamp ?? Infinity;
    if (span.timestamp !== undefined) {
      if (span.timestamp < t.start) t.start = span.timestamp;
      const end = span.timestamp + (span.duration ?? 0);
      if (end > t.end) t.end = end;
    }
    // The root: a span without a parent beats one with; then the earliest; then the first read.
    const rank = span.parentId === undefined ? 2 : 1;
    if (rank > t.rootRank || (rank === t.rootRank && at < t.rootAt)) {
      t.rootRank = rank;
      t.rootAt = at;
      t.rootName = span.name ?? '';
      t.rootService = service;
    }
  }

  /** The traces kept by `filter`, newest first (by start; untimed ones last, latest read first). */
  list(filter: TraceListFilter = {}): TraceListEntry[] {
    const limit = filter.limit ?? Infinity;
    const kept: TraceAccumulator[] = [];
    for (const t of this.#traces.values()) {
      if (filter.service !== undefined && !t.services.has(filter.service)) continue;
      if (filter.errors === true && t.errors === 0) continue;
      const duration = t.start === Infinity ? null : t.end - t.start;
      if ((filter.minDuration ?? 0) > 0 && (duration === null || duration < filter.minDuration!)) continue;
      kept.push(t);
    }
    kept.sort((a, b) => {
      const ta = a.start === Infinity ? -Infinity : a.start;
      const tb = b.start === Infinity ? -Infinity : b.start;
      return tb - ta || b.last - a.last;
    });
    if (kept.length > limit) kept.length = Math.max(0, limit);
    return kept.map((t) => ({
      traceId: t.traceId,
      start: t.start === Infinity ? null : t.start,
      duration: t.start === Infinity ? null : t.end - t.start,
      rootName: t.rootName,
      rootService: t.rootService,
      hasRoot: t.rootRank === 2,
      spans: t.spans,
      errors: t.errors,
      services: t.services.size,
    }));
  }
}

/**
 * One line per trace of `spans`, newest first, filtered as asked: what `deferred-span list`
 * prints. For a file too large to hold, feed `TraceLister` from `scanSpanFile` instead.
 *
 * @example
 * const { spans } = await readSpanFile('spans.ndjson');
 * const slow = listTraces(spans, { minDuration: 50_000, limit: 5 });
 */
export function listTraces(spans: Iterable<ZipkinSpan>, filter: TraceListFilter = {}): TraceListEntry[] {
  const lister = new TraceLister();
  for (const span of spans) lister.add(span);
  return lister.list(filter);
}

const DURATION_UNITS: Readonly<Record<string, number>> = { us: 1, µs: 1, μs: 1, ms: 1000, s: 1_000_000, m: 60_000_000, min: 60_000_000 };

/**
 * A duration as a user writes it, in microseconds: `50ms`, `1.5s`, `200us` (or `µs`), `2m`.
 * `undefined` when it is not one (no unit, negative, not a number).
 * @example parseDuration('50ms') // 50000
 */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-zµμ]+)$/i.exec(text.trim());
  if (m === null) return undefined;
  const unit = DURATION_UNITS[m[2]!.toLowerCase()];
  if (unit === undefined) return undefined;
  const n = Number(m[1]) * unit;
  return Number.isFinite(n) ? Math.round(n) : undefined;
}
