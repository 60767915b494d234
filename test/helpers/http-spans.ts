// Shared by the test/http-client-*.test.ts and test/http-server-*.test.ts files: a tracer that
// records into memory and keeps its diagnostics, real loopback servers that record what they
// received, a plain-versus-traced comparison of one exchange, and polling with a deadline.
import assert from 'node:assert/strict';
import http from 'node:http';
import { wireSubscribed } from '../../src/http/wire.js';
import { createTracer, memorySink, type DiagnosticEvent, type MemorySink, type Tracer, type TracerOptions, type ZipkinSpan } from '../../src/index.js';
import { eventually } from './eventually.js';
import { listen, stop } from './http.js';
import { assertZipkinSpan } from './zipkin-spec.js';

export { eventually, listen, stop };

/** A tracer recording into a memory sink, with every diagnostic it reported. */
export interface Recording {
  readonly tracer: Tracer;
  readonly sink: MemorySink;
  readonly diagnostics: DiagnosticEvent[];
}

/** A tracer for one test: spans kept in memory, diagnostics kept instead of warned. */
export function recording(serviceName = 'client', options: Omit<TracerOptions, 'serviceName' | 'sink' | 'onError' | 'warnings'> = {}): Recording {
  const sink = memorySink();
  const diagnostics: DiagnosticEvent[] = [];
  const tracer = createTracer({ ...options, serviceName, sink, warnings: false, onError: (event) => diagnostics.push(event) });
  return { tracer, sink, diagnostics };
}

/**
 * Flushes and returns every span so far, each checked against the Zipkin spec; asserts that the
 * tracer has nothing open, that every span ended exactly once (no span ID twice, the tracer's own
 * count of ended spans equal to what reached the sink) and that nothing was reported (a tag or
 * an end on an already-ended span would be), and that nothing is left subscribed to undici's
 * diagnostics channels.
 */
export async function finishedSpans(r: Recording): Promise<ZipkinSpan[]> {
  await r.tracer.flush();
  const spans = [...r.sink.spans];
  for (const s of spans) assertZipkinSpan(s);
  const ids = spans.map((s) => s.id);
  assert.equal(new Set(ids).size, ids.length, `a span was emitted more than once: ${JSON.stringify(spans)}`);
  const stats = r.tracer.stats();
  assert.equal(stats.ended, spans.length, 'every span that ended reached the sink, once');
  assert.equal(stats.open, 0, 'no span is left open');
  assert.deepEqual(r.diagnostics.map((d) => `${d.kind}: ${d.message}`), [], 'the tracer reported nothing');
  await wireUnsubscribed();
  return spans;
}

/**
 * Waits, with a deadline, until nothing is subscribed to undici's diagnostics channels: the
 * library may keep them a moment after the last traced request, but not for ever.
 */
export async function wireUnsubscribed(timeoutMs = 5000): Promise<void> {
  await eventually('nothing left subscribed to the diagnostics channels (wireSubscribed() false)', () => !wireSubscribed(), timeoutMs);
}

/** The one span matching `pick`. */
export function onlySpan(spans: readonly ZipkinSpan[], pick: (s: ZipkinSpan) => boolean = () => true, what = 'span'): ZipkinSpan {
  const found = spans.filter(pick);
  assert.equal(found.length, 1, `expected exactly one ${what}, got ${JSON.stringify(spans, null, 1)}`);
  return found[0]!;
}

/** Flushes and returns the one span with this ID (e.g. the `x-b3-spanid` a server received). */
export async function spanWithId(r: Recording, id: string | undefined): Promise<ZipkinSpan> {
  assert.ok(id !== undefined, 'a span ID');
  await r.tracer.flush();
  return onlySpan(r.sink.spans, (s) => s.id === id, `span ${id}`);
}


/** Waits until `r` has finished `count` spans (they are emitted when the exchange ends, not when fetch resolves). */
export async function spansEnded(r: Recording, count: number, timeoutMs = 10_000): Promise<void> {
  await eventually(`${count} ended span(s) (have ${r.tracer.stats().ended})`, () => r.tracer.stats().ended >= count, timeoutMs);
}

/** What a server received of one request. */
export interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A loopback server that keeps every request it received. */
export interface TestServer {
  readonly server: http.Server;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly received: Received[];
  /** Resolves with the next request that is received completely (method, url, headers, body). */
  nextRequest(): Promise<Received>;
  close(): Promise<void>;
}



/**
 * A server whose `answer(req, res, received)` is called once the request's body has been read
 * completely; `received` is what arrived. Without `answer`, it replies 200 `ok`.
 */
export async function serve(answer?: (req: http.IncomingMessage, res: http.ServerResponse, received: Received) => void): Promise<TestServer> {
  const received: Received[] = [];
  const waiting: Array<(r: Received) => void> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      waiting.shift()?.(r);
      if (answer === undefined) res.end('ok');
      else answer(req, res, r);
    });
  });
  const port = await listen(server);
  return {
    server,
    port,
    origin: `http://127.0.0.1:${port}`,
    received,
    nextRequest: () => new Promise<Received>((resolve) => waiting.push(resolve)),
    close: () => stop(server),
  };
}

/** A loopback port nothing listens on: a server is bound, its port taken, and it is closed again. */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  const port = await listen(s);
  await stop(s);
  return port;
}

/** Headers without the B3 ones (and without `date`, which changes from one second to the next). */
export function withoutB3(headers: http.IncomingHttpHeaders | Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(headers)) if (!/^(x-b3-|b3$)/i.test(k)) out[k] = v;
  return out;
}

/** The B3 headers a server received. */
export function b3Of(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (/^(x-b3-|b3$)/i.test(k) && typeof v === 'string') out[k] = v;
  return out;
}

/** What a caller sees of a Response, read to its end: status, statusText, headers (no date), body. */
export interface Seen {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export async function seen(response: Response): Promise<Seen> {
  const headers: Record<string, string> = {};
  response.headers.forEach((v, k) => {
    if (k !== 'date') headers[k] = v;
  });
  return { status: response.status, statusText: response.statusText, headers, body: await response.text() };
}

/** Asserts that a traced request arrived as the plain one did, the B3 headers aside. */
export function assertSameRequest(traced: Received, plain: Received): void {
  assert.equal(traced.method, plain.method);
  assert.equal(traced.url, plain.url);
  assert.deepEqual(withoutB3(traced.headers), withoutB3(plain.headers));
  assert.equal(traced.body, plain.body);
}

/** The span's tags, never undefined. */
export function tagsOf(span: ZipkinSpan): Record<string, string> {
  return { ...(span.tags ?? {}) };
}

/** The values of the span's annotations, in order. */
export function annotationsOf(span: ZipkinSpan): string[] {
  return (span.annotations ?? []).map((a) => a.value);
}

/** Asserts the usual shape of a CLIENT span of one call: kind, name, parent, tags, ws/wr. */
export function assertClientSpan(
  span: ZipkinSpan,
  expected: { name: string; parentId: string | undefined; traceId?: string; method: string; path: string; url: string; status?: number; error?: string; wire?: boolean },
): void {
  assert.equal(span.kind, 'CLIENT');
  assert.equal(span.name, expected.name);
  assert.equal(span.parentId, expected.parentId);
  if (expected.traceId !== undefined) assert.equal(span.traceId, expected.traceId);
  const tags = tagsOf(span);
  assert.equal(tags['http.method'], expected.method);
  assert.equal(tags['http.path'], expected.path);
  assert.equal(tags['http.url'], expected.url);
  assert.equal(tags['http.status_code'], expected.status === undefined ? undefined : String(expected.status));
  assert.equal(tags.error, expected.error);
  if (expected.wire !== false) {
    const values = annotationsOf(span);
    assert.deepEqual(values.filter((v) => v === 'ws' || v === 'wr'), ['ws', 'wr'], `ws then wr: ${JSON.stringify(span.annotations)}`);
  }
  assert.ok(span.duration !== undefined && span.duration >= 1, 'a duration');
  assertAnnotationsWithin(span);
}

/** Every annotation lies within the span, in time order: else Zipkin's UI draws it outside its bar. */
export function assertAnnotationsWithin(span: ZipkinSpan): void {
  const start = span.timestamp!;
  const end = start + span.duration!;
  let last = start;
  for (const a of span.annotations ?? []) {
    assert.ok(a.timestamp >= start && a.timestamp <= end, `annotation ${a.value} at ${a.timestamp} lies outside the span [${start}, ${end}] (${a.timestamp - start} µs from its start)`);
    assert.ok(a.timestamp >= last, `annotation ${a.value} is earlier than the one before it: ${JSON.stringify(span.annotations)}`);
    last = a.timestamp;
  }
}

/** A controllable promise. */
export interface Deferred<T = void> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
