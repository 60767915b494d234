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
}

/** One span in the drawn tree. */
interface Node {
  readonly span: ZipkinSpan;
  readonly children: Node[];
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

function byStart(a: Node, b: Node): number {
  const ta = a.span.timestamp ?? Infinity;
  const tb = b.span.timestamp ?? Infinity;
  if (ta !== tb) return ta < tb ? -1 : 1;
  // Same start: the client half before the server half that joined it.
  return Number(isServerHalf(a.span)) - Number(isServerHalf(b.span));
}

/**
 * Arranges the spans of one trace as a forest. A server half (`shared`, same ID as its client) goes
 * under its client half. A span whose parent is missing, or that sits in a parent loop, becomes
 * a root marked as an orphan: nothing is left out.
 */
export function buildTraceTree(spans: readonly ZipkinSpan[]): Node[] {
  const nodes: Node[] = [];
  const seen = new Set<string>();
  for (const span of spans) {
    // The same half twice (a re-sent batch) is drawn once.
    const key = `${span.id}|${span.shared === true}|${span.kind ?? ''}|${serviceOf(span)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    nodes.push({ span, children: [], orphan: undefined });
  }
  const byId = new Map<string, Node[]>();
  for (const n of nodes) {
    const halves = byId.get(n.span.id);
    if (halves) halves.push(n);
    else byId.set(n.span.id, [n]);
  }
  const parentOf = new Map<Node, Node>();
  for (const node of nodes) {
    const { span } = node;
    const halves = byId.get(span.id)!;
    if (halves.length > 1 && isServerHalf(span)) {
      const client = halves.find((h) => h !== node && !isServerHalf(h.span));
      if (client) {
        parentOf.set(node, client);
        continue;
      }
    }
    const pid = span.parentId;
    if (pid === undefined) continue;
    if (pid === span.id) {
      node.orphan = 'its parent ID is its own ID';
      continue;
    }
    const candidates = byId.get(pid);
    if (candidates === undefined) {
      node.orphan = `parent ${pid} is not in the input`;
      continue;
    }
    // Children of a shared span were made by the server: prefer the half of the child's own service.
    const service = serviceOf(span);
    const parent =
      candidates.find((c) => serviceOf(c.span) === service && isServerHalf(c.span)) ??
      candidates.find((c) => serviceOf(c.span) === service) ??
      candidates.find((c) => isServerHalf(c.span)) ??
      candidates[0]!;
    parentOf.set(node, parent);
  }
  const roots: Node[] = [];
  for (const node of nodes) {
    const parent = parentOf.get(node);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  // Nodes not reachable from a root sit in a parent loop: draw each loop from its earliest span.
  const reached = new Set<Node>();
  const mark = (n: Node): void => {
    const stack = [n];
    while (stack.length > 0) {
      const m = stack.pop()!;
      if (reached.has(m)) continue;
      reached.add(m);
      stack.push(...m.children);
    }
  };
  for (const r of roots) mark(r);
  const unreached = nodes.filter((n) => !reached.has(n)).sort(byStart);
  for (const n of unreached) {
    if (reached.has(n)) continue;
    const parent = parentOf.get(n);
    if (parent) parent.children.splice(parent.children.indexOf(n), 1);
    n.orphan = 'its parents form a loop';
    roots.push(n);
    mark(n);
  }
  for (const n of nodes) n.children.sort(byStart);
  // Real roots first, then orphans, each by start time.
  roots.sort((a, b) => Number(a.orphan !== undefined) - Number(b.orphan !== undefined) || byStart(a, b));
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

/**
 * Draws one trace as text, like Zipkin's trace page: a row per span, indented by parentage, with
 * service, name, start offset, duration and a bar scaled to the trace, and the span's annotations
 * (and error) beneath it. Orphans (a parent not in the input) are drawn as extra roots, marked.
 *
 * @example
 * const { spans } = await readSpanFile('spans.ndjson');
 * const trace = spans.filter((s) => s.traceId === id);
 * console.log(renderWaterfall(trace, { color: process.stdout.isTTY }).join('\n'));
 */
export function renderWaterfall(spans: readonly ZipkinSpan[], options: WaterfallOptions = {}): string[] {
  const width = Math.max(60, Math.floor(options.width ?? 120));
  const colour = options.color === true;
  const paint = (code: string, s: string): string => (colour && code !== '' && s !== '' ? ESC + code + 'm' + s + RESET : s);
  const roots = buildTraceTree(spans);

  let start = Infinity;
  let end = -Infinity;
  const services = new Set<string>();
  for (const s of spans) {
    services.add(serviceOf(s));
    if (s.timestamp === undefined) continue;
    start = Math.min(start, s.timestamp);
    end = Math.max(end, s.timestamp + (s.duration ?? 0));
  }
  const timed = start !== Infinity;
  const total = timed ? Math.max(1, end - start) : 1;

  interface Row {
    readonly label: string;
    readonly labelCode: string | undefined;
    readonly offset: string;
    readonly duration: string;
    readonly bar: string;
    readonly barCode: string | undefined;
  }
  const rows: Row[] = [];
  let orphans = 0;
  let count = 0;

  // Bar geometry is only known after the label column is sized: keep positions, draw later.
  interface Pending {
    readonly row: Omit<Row, 'bar'>;
    readonly from: number | undefined;
    readonly to: number | undefined;
    readonly point: boolean;
  }
  const pending: Pending[] = [];
  const serviceCode = (service: string): string => SERVICE_COLOURS[hash(service) % SERVICE_COLOURS.length]!;

  const visit = (node: Node, depth: number): void => {
    const { span } = node;
    count++;
    const indent = '  '.repeat(depth);
    const service = serviceOf(span);
    const kind = span.kind === undefined ? '' : ` (${span.kind.toLowerCase()})`;
    const error = span.tags?.error;
    const mark = node.orphan !== undefined ? '⚠ ' : '';
    if (node.orphan !== undefined) orphans++;
    const offset = span.timestamp === undefined ? '?' : formatMicros(span.timestamp - start);
    const duration = span.duration === undefined ? '?' : formatMicros(span.duration);
    pending.push({
      row: {
        label: `${indent}${mark}${service}: ${span.name ?? '(unnamed)'}${kind}`,
        labelCode: error !== undefined ? RED : undefined,
        offset,
        duration,
        barCode: error !== undefined ? RED : serviceCode(service),
      },
      from: span.timestamp,
      to: span.timestamp === undefined ? undefined : span.timestamp + (span.duration ?? 0),
      point: false,
    });
    const detail = (text: string, code: string | undefined, at?: number): void => {
      pending.push({
        row: { label: `${indent}  ${text}`, labelCode: code, offset: at === undefined ? '' : formatMicros(at - start), duration: '', barCode: DIM },
        from: at,
        to: at,
        point: at !== undefined,
      });
    };
    if (node.orphan !== undefined) detail(`orphan: ${node.orphan}`, YELLOW);
    if (error !== undefined) detail(`error: ${error}`, RED);
    const annotations = [...(span.annotations ?? [])].sort((a, b) => a.timestamp - b.timestamp);
    for (const a of annotations) detail(`· ${a.value}`, DIM, a.timestamp);
    for (const child of node.children) visit(child, depth + 1);
  };
  for (const r of roots) visit(r, 0);

  const offsetW = Math.max(8, ...pending.map((p) => p.row.offset.length));
  const durationW = Math.max(8, ...pending.map((p) => p.row.duration.length));
  const fixed = offsetW + durationW + 4 + 2;
  // Untimed lines (errors, orphan notes) may also use the empty start and duration columns.
  const needed = pending.map((p) => (p.row.offset === '' && p.row.duration === '' ? p.row.label.length - offsetW - durationW - 2 : p.row.label.length));
  const labelW = Math.min(Math.max(20, ...needed), Math.floor((width - fixed) * 0.55));
  const barW = width - fixed - labelW;

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
    rows.push({ ...p.row, bar });
  }

  const lines: string[] = [];
  const traceIds = [...new Set(spans.map((s) => s.traceId))];
  const when = timed ? new Date(start / 1000).toISOString().replace('T', ' ').replace('Z', ' UTC') : 'no timestamps';
  lines.push(
    paint(BOLD, `trace ${traceIds.join(', ')}`) +
      paint(DIM, `  ${when} · ${timed ? formatMicros(total) : '?'} · ${count} span${count === 1 ? '' : 's'} · ${services.size} service${services.size === 1 ? '' : 's'}`),
  );
  if (orphans > 0) lines.push(paint(YELLOW, `${orphans} orphan span${orphans === 1 ? '' : 's'} (⚠): drawn as roots because the parent is missing`));
  const header = fit('service: span', labelW) + ' ' + 'start'.padStart(offsetW) + ' ' + 'duration'.padStart(durationW) + ' │' + fit(`0 … ${timed ? formatMicros(total) : '?'}`, barW) + '│';
  lines.push(paint(DIM, header));
  for (const r of rows) {
    if (r.offset === '' && r.duration === '') {
      // No times: the text may use the start and duration columns too.
      const text = fit(r.label, labelW + offsetW + durationW + 2);
      lines.push((r.labelCode === undefined ? text : paint(r.labelCode, text)) + ' │' + r.bar + '│');
      continue;
    }
    const label = fit(r.label, labelW);
    lines.push(
      (r.labelCode === undefined ? label : paint(r.labelCode, label)) +
        ' ' + paint(r.labelCode === DIM ? DIM : '', r.offset.padStart(offsetW)) +
        ' ' + r.duration.padStart(durationW) +
        ' │' + (r.barCode === undefined ? r.bar : paint(r.barCode, r.bar)) + '│',
    );
  }
  return lines;
}
