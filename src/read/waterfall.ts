import type { ZipkinSpan } from '../model/zipkin-span.js';

/** How `renderWaterfall` lays a trace out. */
export interface WaterfallOptions {
  /**
   * Columns available, bars included.
   * @default 120
   */
  readonly width?: number;
  /**
   * ANSI colours: a colour per service, errors in red, annotations dimmed.
   * @default false
   */
  readonly color?: boolean;
  /**
   * Spans drawn at most, in drawing order (depth first, as the rows read); the rest are counted in
   * one closing line. The header still counts every span and the bars keep the whole trace's scale.
   * @default Infinity
   */
  readonly limit?: number;
}

/** One span in the drawn tree, as `buildTraceTree` returns it. */
export interface TraceNode {
  readonly span: ZipkinSpan;
  /** Its children in drawing order: by start time, a client half before the server half it holds. */
  readonly children: TraceNode[];
  /** Why the span is drawn as a root although it has a parent ID. */
  orphan: string | undefined;
}

const ESC = '\u001b[';
const RESET = ESC + '0m';
const RED = '31';
const DIM = '2';
const BOLD = '1';
const YELLOW = '33';
// Red is kept for errors.
const SERVICE_COLOURS = ['36', '35', '34', '32', '96', '95', '94', '92'];

// C0 controls, DEL and C1 controls: a terminal acts on them (ESC and CSI start sequences that set
// the title, clear the screen or move the cursor), so text from spans must not reach it raw.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * `text` with every control character (C0, DEL and C1, newlines and tabs included) written out as
 * visible text like `\x1b`, so that data printed to a terminal cannot drive it: a span named
 * `"\x1b]0;hi\x07"` is shown as those characters rather than setting the window title. The CLI
 * passes all span data (names, tags, annotations, messages quoting them) through this before
 * adding its own colours.
 *
 * @example printable('a\u001b[2Jb') // 'a\\x1b[2Jb'
 */
export function printable(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

/** Formats microseconds the way Zipkin's trace page does: µs, ms with 3 decimals, or s. */
export function formatMicros(us: number): string {
  if (us < 1000) return `${Math.round(us)}µs`;
  if (us < 1_000_000) return `${(us / 1000).toFixed(3)}ms`;
  return `${(us / 1_000_000).toFixed(3)}s`;
}

function serviceOf(span: ZipkinSpan): string {
  return span.localEndpoint?.serviceName ?? 'unknown';
}

/** True for the server half of a span shared between a client and a server. */
function isServerHalf(span: ZipkinSpan): boolean {
  return span.shared === true || span.kind === 'SERVER';
}

/** Why a span is drawn as a root although it names a parent. */
const Orphan = { None: 0, OwnParent: 1, ParentMissing: 2, Loop: 3 } as const;

/** Why a span is drawn as a root although it names a parent, from `TraceTree.orphanCode`; `undefined` for 0. */
export function orphanReason(code: number, span: ZipkinSpan): string | undefined {
  switch (code) {
    case Orphan.OwnParent:
      return 'its parent ID is its own ID';
    case Orphan.ParentMissing:
      return `parent ${span.parentId ?? ''} is not in the input`;
    case Orphan.Loop:
      return 'its parents form a loop';
    default:
      return undefined;
  }
}

const FLAG_SERVER_HALF = 1;
const FLAG_SHARED = 2;
const FLAG_CLIENT = 4;
const NO_PARENT = -1;
const LOWER_HEX_ID = /^[0-9a-f]{16}$/;
/** IDs that are not 16 hex characters are numbered from here, above every 32-bit high half. */
const ODD_ID_BASE = 2 ** 32;

/**
 * The layout of one trace: which spans are drawn in which order at which depth, with the figures
 * of the header. Spans are named by their ordinal, the order in which they were added to the
 * `TraceTreeBuilder`, so a caller can fetch only the spans it draws (a file is read again for them).
 */
export interface TraceTree {
  /** Spans added, repeated halves included: ordinals run from 0 to `added - 1`. */
  readonly added: number;
  /** Ordinals in drawing order; a repeated half (a re-sent batch) appears once. */
  readonly order: Int32Array;
  /** The depth of each span of `order`, at the same index: 0 for a root. */
  readonly depth: Int32Array;
  /** Spans drawn as roots although they name a parent. */
  readonly orphans: number;
  /** Earliest start, epoch microseconds; `undefined` when no span has a timestamp. */
  readonly start: number | undefined;
  /** Latest end, epoch microseconds; `undefined` when no span has a timestamp. */
  readonly end: number | undefined;
  /** Distinct service names. */
  readonly services: number;
  /** Distinct trace IDs, in the order first seen. */
  readonly traceIds: readonly string[];
  /** Spans whose own clock skew was corrected (`skew` is not 0); their subtrees moved with them. */
  readonly skewed: number;
  /** The orphan code of a span (0 when it hangs under its parent); `orphanReason` words it. */
  orphanCode(ordinal: number): number;
  /**
   * Microseconds added to the span's timestamp and its annotations' to correct clock skew: the
   * correction found at this span plus what it inherits from an ancestor on the same host; 0 for
   * most spans. `start` and `end`, and the order of siblings, already include it.
   */
  shift(ordinal: number): number;
  /** The clock-skew correction found at this span itself (a server half against its client), µs; 0 when none. */
  skew(ordinal: number): number;
  /** True when `span` has the ID of the span added as `ordinal`: a check that a re-read matches. */
  sameId(ordinal: number, span: ZipkinSpan): boolean;
}

/**
 * Collects what laying out a trace needs of each span, in typed arrays of a few dozen bytes per
 * span rather than the span objects, so a trace of millions of spans can be laid out while only
 * the drawn ones are kept whole. Add the spans of one trace, then call `build` once.
 *
 * @example
 * const builder = new TraceTreeBuilder();
 * for (const span of spans) builder.add(span);
 * const tree = builder.build();
 * const { lines } = drawWaterfall(tree, (i) => spans[i]!, { limit: 100 });
 */
export class TraceTreeBuilder {
  #size = 0;
  #idHi = new Float64Array(1024);
  #idLo = new Uint32Array(1024);
  #parentHi = new Float64Array(1024);
  #parentLo = new Uint32Array(1024);
  /** Start time, `Infinity` when absent: such spans sort last, as in Zipkin's UI. */
  #timestamp = new Float64Array(1024);
  /** Duration, `NaN` when absent. */
  #duration = new Float64Array(1024);
  /** Whose clock the span was timed by: its IP address, else its service (see `hostOf`). */
  #host = new Uint32Array(1024);
  #service = new Uint32Array(1024);
  #kind = new Uint16Array(1024);
  #flags = new Uint8Array(1024);
  readonly #services = new Map<string, number>();
  readonly #kinds = new Map<string, number>();
  readonly #oddIds = new Map<string, number>();
  readonly #hosts = new Map<string, number>();
  readonly #traceIds = new Set<string>();
  #built = false;

  /** Spans added so far. */
  get size(): number {
    return this.#size;
  }

  /** Adds the next span; its ordinal is the number of spans added before it. */
  add(span: ZipkinSpan): void {
    if (this.#built) throw new Error('TraceTreeBuilder.add after build');
    const i = this.#size;
    if (i === this.#idHi.length) this.#grow();
    this.#setId(this.#idHi, this.#idLo, i, span.id);
    if (span.parentId === undefined) this.#parentHi[i] = NO_PARENT;
    else this.#setId(this.#parentHi, this.#parentLo, i, span.parentId);
    this.#timestamp[i] = span.timestamp ?? Infinity;
    this.#duration[i] = span.duration ?? NaN;
    this.#host[i] = intern(this.#hosts, hostOf(span));
    this.#service[i] = intern(this.#services, serviceOf(span));
    this.#kind[i] = span.kind === undefined ? 0 : intern(this.#kinds, span.kind) + 1;
    this.#flags[i] = (isServerHalf(span) ? FLAG_SERVER_HALF : 0) | (span.shared === true ? FLAG_SHARED : 0) | (span.kind === 'CLIENT' ? FLAG_CLIENT : 0);
    this.#traceIds.add(span.traceId);
    this.#size++;
  }

  #setId(hi: Float64Array, lo: Uint32Array, i: number, id: string): void {
    if (LOWER_HEX_ID.test(id)) {
      hi[i] = parseInt(id.slice(0, 8), 16);
      lo[i] = parseInt(id.slice(8), 16);
    } else {
      // Only spans that skipped validation get here; number them so they still compare by ID.
      hi[i] = ODD_ID_BASE + intern(this.#oddIds, id);
      lo[i] = 0;
    }
  }

  #grow(): void {
    const n = this.#idHi.length * 2;
    const grown = <T extends Float64Array | Uint32Array | Uint16Array | Uint8Array>(old: T, make: new (n: number) => T): T => {
      const next = new make(n);
      next.set(old);
      return next;
    };
    this.#idHi = grown(this.#idHi, Float64Array);
    this.#idLo = grown(this.#idLo, Uint32Array);
    this.#parentHi = grown(this.#parentHi, Float64Array);
    this.#parentLo = grown(this.#parentLo, Uint32Array);
    this.#timestamp = grown(this.#timestamp, Float64Array);
    this.#duration = grown(this.#duration, Float64Array);
    this.#host = grown(this.#host, Uint32Array);
    this.#service = grown(this.#service, Uint32Array);
    this.#kind = grown(this.#kind, Uint16Array);
    this.#flags = grown(this.#flags, Uint8Array);
  }

  /**
   * Arranges the spans as a forest, without recursion so that any depth and any number of
   * siblings work. A server half (`shared`, same ID as its client) goes under its client half. A
   * span whose parent is missing, or that sits in a parent loop, becomes a root marked as an
   * orphan: nothing is left out. The same half added twice is drawn once.
   */
  build(): TraceTree {
    this.#built = true;
    const n = this.#size;
    const idHi = this.#idHi;
    const idLo = this.#idLo;
    const ts = this.#timestamp;
    const flags = this.#flags;
    const service = this.#service;
    const server = (i: number): number => flags[i]! & FLAG_SERVER_HALF;
    // Drawing order among siblings: by start, the client half before the server half that joined
    // it, then as added (the ordinal).
    // Start times as drawn: corrected for clock skew once the tree is known (below).
    const at = ts.slice(0, n);
    const byStart = (a: number, b: number): number => at[a]! - at[b]! || server(a) - server(b) || a - b;

    // Every span, sorted by ID: the halves of one ID sit together, in the order they were added.
    const byId = new Int32Array(n);
    for (let i = 0; i < n; i++) byId[i] = i;
    byId.sort((a, b) => idHi[a]! - idHi[b]! || idLo[a]! - idLo[b]! || a - b);

    // Drop repeats of a half (same ID, sharing, kind and service); the first one added stays.
    const isNode = new Uint8Array(n);
    let nodes = 0;
    for (let a = 0; a < n; ) {
      let b = a + 1;
      while (b < n && idHi[byId[b]!] === idHi[byId[a]!] && idLo[byId[b]!] === idLo[byId[a]!]) b++;
      const keptFrom = nodes;
      for (let j = a; j < b; j++) {
        const i = byId[j]!;
        let repeat = false;
        for (let k = keptFrom; k < nodes && !repeat; k++) repeat = this.#sameHalf(byId[k]!, i);
        if (repeat) continue;
        isNode[i] = 1;
        byId[nodes++] = i;
      }
      a = b;
    }
    const halves = byId.subarray(0, nodes);

    /** The first index in `halves` of the halves with this ID, or -1. */
    const findId = (hi: number, lo: number): number => {
      let low = 0;
      let high = nodes;
      while (low < high) {
        const mid = (low + high) >>> 1;
        const m = halves[mid]!;
        if (idHi[m]! < hi || (idHi[m] === hi && idLo[m]! < lo)) low = mid + 1;
        else high = mid;
      }
      const found = halves[low];
      return found !== undefined && idHi[found] === hi && idLo[found] === lo ? low : -1;
    };
    const runEnd = (from: number): number => {
      let to = from + 1;
      while (to < nodes && idHi[halves[to]!] === idHi[halves[from]!] && idLo[halves[to]!] === idLo[halves[from]!]) to++;
      return to;
    };

    const parent = new Int32Array(n).fill(NO_PARENT);
    const orphan = new Uint8Array(n);
    const serviceCount = Math.max(1, this.#services.size);
    // The parent chosen among many halves of one ID, per child service: a span with thousands of
    // halves (a fan-out of shared server spans) is then searched once, not once per child.
    const chosen = new Map<number, number>();
    const choose = (from: number, to: number, childService: number): number => {
      const key = from * serviceCount + childService;
      const known = to - from > 4 ? chosen.get(key) : undefined;
      if (known !== undefined) return known;
      // Children of a shared span were made by the server: prefer the half of the child's own service.
      let sameServiceServer = -1;
      let sameService = -1;
      let anyServer = -1;
      for (let j = from; j < to && sameServiceServer < 0; j++) {
        const c = halves[j]!;
        const same = service[c] === childService;
        if (same && server(c) !== 0) sameServiceServer = c;
        if (same && sameService < 0) sameService = c;
        if (server(c) !== 0 && anyServer < 0) anyServer = c;
      }
      const pick = sameServiceServer >= 0 ? sameServiceServer : sameService >= 0 ? sameService : anyServer >= 0 ? anyServer : halves[from]!;
      if (to - from > 4) chosen.set(key, pick);
      return pick;
    };
    for (let a = 0; a < nodes; ) {
      const b = runEnd(a);
      let client = -1;
      for (let j = a; j < b && client < 0; j++) if (server(halves[j]!) === 0) client = halves[j]!;
      for (let j = a; j < b; j++) {
        const i = halves[j]!;
        if (b - a > 1 && server(i) !== 0 && client >= 0) {
          parent[i] = client;
          continue;
        }
        const pHi = this.#parentHi[i]!;
        if (pHi === NO_PARENT) continue;
        const pLo = this.#parentLo[i]!;
        if (pHi === idHi[i] && pLo === idLo[i]) {
          orphan[i] = Orphan.OwnParent;
          continue;
        }
        const from = findId(pHi, pLo);
        if (from < 0) {
          orphan[i] = Orphan.ParentMissing;
          continue;
        }
        parent[i] = choose(from, runEnd(from), service[i]!);
      }
      a = b;
    }

    // Children lists, compressed: the children of p are childList[childStart[p]] up to
    // childStart[p + 1], in the order added, then sorted by start.
    const childStart = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) if (parent[i]! >= 0) childStart[parent[i]! + 1]!++;
    for (let i = 0; i < n; i++) childStart[i + 1]! += childStart[i]!;
    const childList = new Int32Array(childStart[n]!);
    const filled = childStart.slice(0, n);
    for (let i = 0; i < n; i++) if (parent[i]! >= 0) childList[filled[parent[i]!]!++] = i;

    const roots: number[] = [];
    for (let i = 0; i < n; i++) if (isNode[i] === 1 && parent[i] === NO_PARENT) roots.push(i);

    // Nodes not reachable from a root sit in a parent loop: draw each loop from its earliest span.
    // A child counts only while its parent link stands (a loop's root has its link cut).
    const reached = new Uint8Array(n);
    const stack = new Int32Array(n);
    const mark = (root: number): void => {
      let top = 0;
      stack[top++] = root;
      reached[root] = 1;
      while (top > 0) {
        const m = stack[--top]!;
        for (let k = childStart[m]!; k < childStart[m + 1]!; k++) {
          const c = childList[k]!;
          if (parent[c] === m && reached[c] === 0) {
            reached[c] = 1;
            stack[top++] = c;
          }
        }
      }
    };
    for (const r of roots) mark(r);
    const unreached: number[] = [];
    for (let i = 0; i < n; i++) if (isNode[i] === 1 && reached[i] === 0) unreached.push(i);
    unreached.sort(byStart);
    for (const i of unreached) {
      if (reached[i] === 1) continue;
      parent[i] = NO_PARENT;
      orphan[i] = Orphan.Loop;
      roots.push(i);
      mark(i);
    }

    const { shift, skew, skewed } = this.#correctClockSkew(roots, parent, childStart, childList, stack);
    let start = Infinity;
    let end = -Infinity;
    for (let i = 0; i < n; i++) {
      if (ts[i] === Infinity) continue;
      at[i] = ts[i]! + shift[i]!;
      if (at[i]! < start) start = at[i]!;
      const e = at[i]! + (Number.isNaN(this.#duration[i]!) ? 0 : this.#duration[i]!);
      if (e > end) end = e;
    }

    for (let p = 0; p < n; p++) {
      if (childStart[p + 1]! - childStart[p]! > 1) childList.subarray(childStart[p]!, childStart[p + 1]!).sort(byStart);
    }
    // Real roots first, then orphans, each by start time; ties keep the order found (loops last).
    const rootOrder = Int32Array.from(roots.keys());
    rootOrder.sort((x, y) => {
      const a = roots[x]!;
      const b = roots[y]!;
      return Number(orphan[a] !== Orphan.None) - Number(orphan[b] !== Orphan.None) || at[a]! - at[b]! || server(a) - server(b) || x - y;
    });

    // Depth first, with an explicit stack: the spans in the order their rows are drawn.
    const order = new Int32Array(nodes);
    const depth = new Int32Array(nodes);
    const depthStack = new Int32Array(n);
    let top = 0;
    for (let r = rootOrder.length - 1; r >= 0; r--) {
      stack[top] = roots[rootOrder[r]!]!;
      depthStack[top++] = 0;
    }
    let drawn = 0;
    while (top > 0) {
      const m = stack[--top]!;
      const d = depthStack[top]!;
      order[drawn] = m;
      depth[drawn++] = d;
      for (let k = childStart[m + 1]! - 1; k >= childStart[m]!; k--) {
        const c = childList[k]!;
        if (parent[c] !== m) continue;
        stack[top] = c;
        depthStack[top++] = d + 1;
      }
    }

    let orphans = 0;
    for (let i = 0; i < n; i++) if (orphan[i] !== Orphan.None) orphans++;
    const timed = start !== Infinity;
    return {
      added: n,
      order,
      depth,
      orphans,
      start: timed ? start : undefined,
      end: timed ? end : undefined,
      skewed,
      services: this.#services.size,
      traceIds: [...this.#traceIds],
      orphanCode: (ordinal) => orphan[ordinal] ?? Orphan.None,
      shift: (ordinal) => shift[ordinal] ?? 0,
      skew: (ordinal) => skew[ordinal] ?? 0,
      sameId: (ordinal, span) => {
        if (ordinal < 0 || ordinal >= n) return false;
        const hi = new Float64Array(1);
        const lo = new Uint32Array(1);
        this.#setId(hi, lo, 0, span.id);
        return hi[0] === idHi[ordinal] && lo[0] === idLo[ordinal];
      },
    };
  }

  /**
   * Clock skew, corrected the way Zipkin's UI does it (zipkin-lens): a server half timed by another
   * host than its CLIENT parent, that starts before the client or ends after it, is moved to sit
   * inside it, centred when it is shorter (the network time split evenly on the way there and back);
   * a server longer than its client (it answered before it finished) is only moved to start after
   * it. The correction is carried down the subtree and applied to every span timed by the same host,
   * and found again under each later client, which is judged as already corrected: top down.
   */
  #correctClockSkew(
    roots: readonly number[],
    parent: Int32Array,
    childStart: Int32Array,
    childList: Int32Array,
    stack: Int32Array,
  ): { shift: Float64Array; skew: Float64Array; skewed: number } {
    const n = this.#size;
    const ts = this.#timestamp;
    const duration = this.#duration;
    const host = this.#host;
    const flags = this.#flags;
    const shift = new Float64Array(n);
    const skew = new Float64Array(n);
    // The host whose clock a shift corrects, and by how much, as handed to a span's children.
    const carriedHost = new Int32Array(n).fill(-1);
    const carried = new Float64Array(n);
    let skewed = 0;
    for (const root of roots) {
      let top = 0;
      stack[top++] = root;
      while (top > 0) {
        const m = stack[--top]!;
        for (let k = childStart[m]!; k < childStart[m + 1]!; k++) {
          const c = childList[k]!;
          if (parent[c] !== m) continue;
          const inherited = carriedHost[m]! >= 0 && host[c] === carriedHost[m] ? carried[m]! : 0;
          shift[c] = inherited;
          carriedHost[c] = carriedHost[m]!;
          carried[c] = carried[m]!;
          const clientToServer = (flags[m]! & FLAG_CLIENT) !== 0 && (flags[c]! & FLAG_SERVER_HALF) !== 0;
          if (clientToServer && host[m] !== host[c] && ts[m] !== Infinity && ts[c] !== Infinity) {
            const found = skewCorrection(ts[m]! + shift[m]!, duration[m]!, ts[c]! + inherited, duration[c]!);
            if (found !== 0) {
              skew[c] = found;
              shift[c] = inherited + found;
              carriedHost[c] = host[c]!;
              carried[c] = shift[c]!;
              skewed++;
            }
          }
          stack[top++] = c;
        }
      }
    }
    return { shift, skew, skewed };
  }

  /** Two spans of one ID are the same half when sharing, kind and service agree. */
  #sameHalf(a: number, b: number): boolean {
    const f = this.#flags;
    return (f[a]! & FLAG_SHARED) === (f[b]! & FLAG_SHARED) && this.#kind[a] === this.#kind[b] && this.#service[a] === this.#service[b];
  }
}

/**
 * Which clock timed a span: its host's IP address when it has one, else its service (two services
 * without addresses are taken to run on different hosts, as a server and its client usually do).
 */
function hostOf(span: ZipkinSpan): string {
  const ip = span.localEndpoint?.ipv6 ?? span.localEndpoint?.ipv4;
  return ip !== undefined ? 'ip ' + ip : 'service ' + serviceOf(span);
}

/**
 * Microseconds to add to a server span's times so it fits its client span (0 when it already
 * does): `clientStart`/`serverStart` in epoch µs, durations in µs or `NaN` when unknown.
 */
export function skewCorrection(clientStart: number, clientDuration: number, serverStart: number, serverDuration: number): number {
  // A server must start after its client did: at least 1 µs later, when nothing better is known.
  const startAfter = serverStart < clientStart ? clientStart - serverStart + 1 : 0;
  if (!(clientDuration > 0) || !(serverDuration > 0)) return startAfter;
  if (serverStart >= clientStart && serverStart + serverDuration <= clientStart + clientDuration) return 0;
  // Longer than its client: the client stopped waiting first (a one-way or timed-out call).
  if (serverDuration > clientDuration) return startAfter;
  // Sticking out on either side: centre it, the latency split evenly between request and response.
  return Math.round(clientStart + (clientDuration - serverDuration) / 2 - serverStart);
}

/** The number standing for `value` in `table`, adding it if new. */
function intern(table: Map<string, number>, value: string): number {
  let k = table.get(value);
  if (k === undefined) {
    k = table.size;
    table.set(value, k);
  }
  return k;
}

/**
 * Arranges the spans of one trace as a forest. A server half (`shared`, same ID as its client) goes
 * under its client half. A span whose parent is missing, or that sits in a parent loop, becomes
 * a root marked as an orphan: nothing is left out. Built without recursion: any depth works.
 */
export function buildTraceTree(spans: readonly ZipkinSpan[]): TraceNode[] {
  const builder = new TraceTreeBuilder();
  for (const span of spans) builder.add(span);
  const tree = builder.build();
  const roots: TraceNode[] = [];
  // path[d] is the node drawn last at depth d: the parent of the next node at depth d + 1.
  const path: TraceNode[] = [];
  for (let k = 0; k < tree.order.length; k++) {
    const ordinal = tree.order[k]!;
    const d = tree.depth[k]!;
    const span = spans[ordinal]!;
    const node: TraceNode = { span, children: [], orphan: orphanReason(tree.orphanCode(ordinal), span) };
    if (d === 0) roots.push(node);
    else path[d - 1]!.children.push(node);
    path[d] = node;
    path.length = d + 1;
  }
  return roots;
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return Math.abs(h);
}

/** Cuts or pads `s` to exactly `width` columns. */
function fit(s: string, width: number): string {
  if (s.length > width) return width <= 1 ? s.slice(0, width) : s.slice(0, width - 1) + '…';
  return s + ' '.repeat(width - s.length);
}

/** What `drawWaterfall` returns. */
export interface DrawnWaterfall {
  /** The header and the rows of the drawn spans, without line ends. */
  readonly lines: string[];
  /** Spans of the tree left out by the limit. */
  readonly undrawn: number;
}

/**
 * Draws a laid-out trace, fetching only the spans it draws: `spanAt(ordinal)` must give the span
 * added to the `TraceTreeBuilder` as `ordinal`, for each of the first `limit` ordinals of
 * `tree.order`. Rows are built for those spans only, so the limit bounds the work and the memory.
 */
export function drawWaterfall(tree: TraceTree, spanAt: (ordinal: number) => ZipkinSpan, options: WaterfallOptions = {}): DrawnWaterfall {
  const width = Math.max(60, Math.floor(options.width ?? 120));
  const colour = options.color === true;
  const asked = Math.floor(options.limit ?? Infinity);
  const limit = Number.isNaN(asked) ? tree.order.length : Math.max(0, Math.min(tree.order.length, asked));
  const paint = (code: string, s: string): string => (colour && code !== '' && s !== '' ? ESC + code + 'm' + s + RESET : s);
  const start = tree.start ?? 0;
  const timed = tree.start !== undefined;
  const total = timed ? Math.max(1, (tree.end ?? start) - start) : 1;

  // Bar geometry is only known after the label column is sized: keep positions, draw later.
  interface Pending {
    readonly label: string;
    readonly labelCode: string | undefined;
    readonly offset: string;
    readonly duration: string;
    readonly barCode: string | undefined;
    readonly from: number | undefined;
    readonly to: number | undefined;
    readonly point: boolean;
  }
  const pending: Pending[] = [];
  const serviceCode = (service: string): string => SERVICE_COLOURS[hash(service) % SERVICE_COLOURS.length]!;

  for (let k = 0; k < limit; k++) {
    const ordinal = tree.order[k]!;
    const span = spanAt(ordinal);
    // Past the label column the indent is cut anyway: a chain thousands deep costs no more.
    const indent = '  '.repeat(Math.min(tree.depth[k]!, width));
    const service = serviceOf(span);
    const kind = span.kind === undefined ? '' : ` (${span.kind.toLowerCase()})`;
    const error = span.tags?.error;
    const orphan = orphanReason(tree.orphanCode(ordinal), span);
    const shift = tree.shift(ordinal);
    const skew = tree.skew(ordinal);
    const mark = (orphan !== undefined ? '⚠ ' : '') + (skew !== 0 ? '⇆ ' : '');
    const spanStart = span.timestamp === undefined ? undefined : span.timestamp + shift;
    pending.push({
      label: indent + mark + printable(`${service}: ${span.name ?? '(unnamed)'}${kind}`),
      labelCode: error !== undefined ? RED : undefined,
      offset: spanStart === undefined ? '?' : formatMicros(spanStart - start),
      duration: span.duration === undefined ? '?' : formatMicros(span.duration),
      barCode: error !== undefined ? RED : serviceCode(service),
      from: spanStart,
      to: spanStart === undefined ? undefined : spanStart + (span.duration ?? 0),
      point: false,
    });
    const detail = (text: string, code: string | undefined, at?: number): void => {
      pending.push({
        label: `${indent}  ${printable(text)}`,
        labelCode: code,
        offset: at === undefined ? '' : formatMicros(at - start),
        duration: '',
        barCode: DIM,
        from: at,
        to: at,
        point: at !== undefined,
      });
    };
    if (orphan !== undefined) detail(`orphan: ${orphan}`, YELLOW);
    if (skew !== 0) detail(`${skewLabel(skew)}: clocks differ; moved into its client span, with its subtree`, YELLOW);
    if (error !== undefined) detail(`error: ${error}`, RED);
    const annotations = [...(span.annotations ?? [])].sort((a, b) => a.timestamp - b.timestamp);
    for (const a of annotations) detail(`· ${a.value}`, DIM, a.timestamp + shift);
  }

  // Loops, not Math.max(...rows): a spread of a huge array overflows the stack.
  let offsetW = 8;
  let durationW = 8;
  for (const p of pending) {
    if (p.offset.length > offsetW) offsetW = p.offset.length;
    if (p.duration.length > durationW) durationW = p.duration.length;
  }
  const fixed = offsetW + durationW + 4 + 2;
  // Untimed lines (errors, orphan notes) may also use the empty start and duration columns.
  let needed = 20;
  for (const p of pending) {
    const n = p.offset === '' && p.duration === '' ? p.label.length - offsetW - durationW - 2 : p.label.length;
    if (n > needed) needed = n;
  }
  const labelW = Math.min(needed, Math.floor((width - fixed) * 0.55));
  const barW = width - fixed - labelW;

  const lines: string[] = [];
  const spans = tree.order.length;
  const when = timed ? new Date(start / 1000).toISOString().replace('T', ' ').replace('Z', ' UTC') : 'no timestamps';
  lines.push(
    paint(BOLD, `trace ${printable(tree.traceIds.join(', '))}`) +
      paint(DIM, `  ${when} · ${timed ? formatMicros(total) : '?'} · ${spans} span${spans === 1 ? '' : 's'} · ${tree.services} service${tree.services === 1 ? '' : 's'}`),
  );
  if (tree.skewed > 0) {
    lines.push(paint(YELLOW, `${tree.skewed} span${tree.skewed === 1 ? '' : 's'} (⇆) shifted for clock skew, with ${tree.skewed === 1 ? 'its subtree' : 'their subtrees'}: times are as corrected`));
  }
  if (tree.orphans > 0) lines.push(paint(YELLOW, `${tree.orphans} orphan span${tree.orphans === 1 ? '' : 's'} (⚠): drawn as roots because the parent is missing`));
  const header = fit('service: span', labelW) + ' ' + 'start'.padStart(offsetW) + ' ' + 'duration'.padStart(durationW) + ' │' + fit(`0 … ${timed ? formatMicros(total) : '?'}`, barW) + '│';
  lines.push(paint(DIM, header));

  for (const p of pending) {
    let bar = ' '.repeat(barW);
    if (timed && p.from !== undefined && p.to !== undefined) {
      const a = Math.min(barW - 1, Math.floor(((p.from - start) / total) * barW));
      if (p.point) {
        bar = bar.slice(0, a) + '•' + bar.slice(a + 1);
      } else {
        const b = Math.max(a + 1, Math.min(barW, Math.round(((p.to - start) / total) * barW)));
        bar = ' '.repeat(a) + '█'.repeat(b - a) + ' '.repeat(barW - b);
      }
    }
    if (p.offset === '' && p.duration === '') {
      // No times: the text may use the start and duration columns too.
      const text = fit(p.label, labelW + offsetW + durationW + 2);
      lines.push((p.labelCode === undefined ? text : paint(p.labelCode, text)) + ' │' + bar + '│');
      continue;
    }
    const label = fit(p.label, labelW);
    lines.push(
      (p.labelCode === undefined ? label : paint(p.labelCode, label)) +
        ' ' + paint(p.labelCode === DIM ? DIM : '', p.offset.padStart(offsetW)) +
        ' ' + p.duration.padStart(durationW) +
        ' │' + (p.barCode === undefined ? bar : paint(p.barCode, bar)) + '│',
    );
  }
  return { lines, undrawn: spans - limit };
}

/**
 * Draws one trace as text, like Zipkin's trace page: a row per span, indented by parentage, with
 * service, name, start offset, duration and a bar scaled to the trace, and the span's annotations
 * (and error) beneath it. Orphans (a parent not in the input) are drawn as extra roots, marked.
 * Control characters in span data are shown escaped (see `printable`). With `limit`, the spans
 * past it are counted in a last line.
 *
 * @example
 * const { spans } = await readSpanFile('spans.ndjson');
 * const trace = spans.filter((s) => s.traceId === id);
 * console.log(renderWaterfall(trace, { color: process.stdout.isTTY }).join('\n'));
 */
export function renderWaterfall(spans: readonly ZipkinSpan[], options: WaterfallOptions = {}): string[] {
  const builder = new TraceTreeBuilder();
  for (const span of spans) builder.add(span);
  const { lines, undrawn } = drawWaterfall(builder.build(), (i) => spans[i]!, options);
  if (undrawn > 0) lines.push(moreSpansLine(undrawn));
  return lines;
}

/** A clock-skew correction as the waterfall marks it: `skew +12.000ms`, `skew -250µs`. */
export function skewLabel(micros: number): string {
  return `skew ${micros < 0 ? '-' : '+'}${formatMicros(Math.abs(micros))}`;
}

/** The closing line of a waterfall cut by a limit: `… 199,500 more spans not drawn`. */
export function moreSpansLine(undrawn: number): string {
  return `… ${undrawn.toLocaleString('en-US')} more span${undrawn === 1 ? '' : 's'} not drawn`;
}
