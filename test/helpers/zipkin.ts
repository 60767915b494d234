// Helpers for integration tests against the real Zipkin server that `npm test` starts
// (scripts/test.mjs exports its base URL as ZIPKIN_URL).
//
// Zipkin's in-memory storage is shared by every test file in a run: use unique service names
// (see uniqueServiceName) and random trace IDs, and only ever query for your own.
import { randomBytes } from 'node:crypto';

/** Base URL of the Zipkin server for this test run, without a trailing slash; undefined if none. */
export const zipkinUrl: string | undefined = process.env.ZIPKIN_URL ? process.env.ZIPKIN_URL.replace(/\/+$/, '') : undefined;

const requireZipkin = process.env.DEFERRED_SPAN_REQUIRE_ZIPKIN === '1';

/**
 * For `test(name, { skip: zipkinSkip() }, fn)`: a skip reason when no Zipkin is available,
 * false when it is. Throws (failing the test file) when DEFERRED_SPAN_REQUIRE_ZIPKIN=1 but
 * ZIPKIN_URL is not set, so CI cannot silently skip the integration tests.
 */
export function zipkinSkip(): string | false {
  if (zipkinUrl) return false;
  if (requireZipkin) {
    throw new Error('DEFERRED_SPAN_REQUIRE_ZIPKIN=1 but ZIPKIN_URL is not set: run the tests with `npm test`, which starts Zipkin');
  }
  return 'no Zipkin server (ZIPKIN_URL is not set; `npm test` starts one when Java 17+ is installed)';
}

/** The base URL, or a thrown error if there is none (for use inside tests that were not skipped). */
export function requireZipkinUrl(): string {
  if (!zipkinUrl) throw new Error('ZIPKIN_URL is not set');
  return zipkinUrl;
}

/** Random lower-hex ID of `bytes` bytes (8: span ID or 64-bit trace ID, 16: 128-bit trace ID). Never all zeros. */
export function randomHexId(bytes = 8): string {
  for (;;) {
    const id = randomBytes(bytes).toString('hex');
    if (!/^0+$/.test(id)) return id;
  }
}

/** A service name no other test (file or run) uses. Zipkin lower-cases service names, so this is lower-case. */
export function uniqueServiceName(prefix = 'test'): string {
  return `${prefix.toLowerCase()}-${process.pid}-${randomHexId(4)}`;
}

export interface ZipkinEndpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

export interface ZipkinAnnotation {
  timestamp: number;
  value: string;
}

/** A span as Zipkin's v2 API returns it (fields that are absent/empty are omitted). */
export interface ZipkinSpanJson {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
  timestamp?: number;
  duration?: number;
  localEndpoint?: ZipkinEndpoint;
  remoteEndpoint?: ZipkinEndpoint;
  annotations?: ZipkinAnnotation[];
  tags?: Record<string, string>;
  debug?: boolean;
  shared?: boolean;
}

export interface DependencyLink {
  parent: string;
  child: string;
  callCount: number;
  errorCount?: number;
}

export interface TraceQuery {
  serviceName?: string;
  spanName?: string;
  remoteServiceName?: string;
  /** Zipkin's tag/annotation query syntax, e.g. `error and http.method=GET`. */
  annotationQuery?: string;
  minDuration?: number;
  maxDuration?: number;
  /** Epoch milliseconds; defaults to now on the server. */
  endTs?: number;
  /** Milliseconds before endTs; defaults to a day on the server. */
  lookback?: number;
  limit?: number;
}

/** Thrown by the readers when Zipkin answers with an unexpected status. */
export class ZipkinHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    url: string,
  ) {
    super(`Zipkin answered ${status} for ${url}: ${body.slice(0, 500)}`);
    this.name = 'ZipkinHttpError';
  }
}

const REQUEST_TIMEOUT_MS = 10_000;

async function getJson<T>(pathAndQuery: string, { notFoundAs }: { notFoundAs?: T } = {}): Promise<T> {
  const url = `${requireZipkinUrl()}${pathAndQuery}`;
  const res = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const body = await res.text();
  if (res.status === 404 && notFoundAs !== undefined) return notFoundAs;
  if (res.status !== 200) throw new ZipkinHttpError(res.status, body, url);
  return JSON.parse(body) as T;
}

function query(params: Record<string, string | number | undefined>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined) qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? `?${s}` : '';
}

/**
 * The spans of one trace. Zipkin answers 404 for an unknown trace ID; this returns [] instead,
 * so it can be polled with waitFor. Invalid IDs (not lower-hex, too long) are a ZipkinHttpError (400).
 */
export function getTrace(traceId: string): Promise<ZipkinSpanJson[]> {
  return getJson<ZipkinSpanJson[]>(`/api/v2/trace/${encodeURIComponent(traceId)}`, { notFoundAs: [] });
}

/** All service names Zipkin has seen (lower-cased by Zipkin). */
export function getServices(): Promise<string[]> {
  return getJson<string[]>('/api/v2/services');
}

/** Span names recorded for a service. */
export function getSpanNames(serviceName: string): Promise<string[]> {
  return getJson<string[]>(`/api/v2/spans${query({ serviceName })}`);
}

/**
 * Dependency links over [endTs - lookback, endTs] (epoch milliseconds). Zipkin requires endTs
 * (400 without it), so both are explicit here. Links are aggregated over ALL services in the
 * window, so filter them by your own service names.
 */
export function getDependencies(endTs: number, lookback: number): Promise<DependencyLink[]> {
  return getJson<DependencyLink[]>(`/api/v2/dependencies${query({ endTs, lookback })}`);
}

/** Traces matching a query (each trace is an array of spans). Always pass your own serviceName. */
export function getTraces(q: TraceQuery = {}): Promise<ZipkinSpanJson[][]> {
  return getJson<ZipkinSpanJson[][]>(`/api/v2/traces${query({ ...q })}`);
}

export interface WaitForOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Pause between polls (default 50 ms). */
  intervalMs?: number;
  /** Included in the timeout error. */
  description?: string;
}

/**
 * Polls `fn` until `predicate` accepts its result, and returns that result. Throws after
 * `timeoutMs` with the last value (or error) seen. Errors thrown by `fn` are retried until the deadline.
 */
export async function waitFor<T>(
  fn: () => Promise<T> | T,
  predicate: (value: T) => boolean,
  { timeoutMs = 10_000, intervalMs = 50, description }: WaitForOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let attempts = 0;
  let last: { value: T } | { error: unknown } | undefined;
  for (;;) {
    attempts++;
    try {
      const value = await fn();
      if (predicate(value)) return value;
      last = { value };
    } catch (error) {
      last = { error };
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
  const what = description ? ` for ${description}` : '';
  const seen =
    last === undefined ? 'nothing' : 'error' in last ? `error: ${String(last.error)}` : `value: ${preview(last.value)}`;
  throw new Error(`waitFor${what} timed out after ${timeoutMs} ms (${attempts} attempts); last ${seen}`, {
    cause: last && 'error' in last ? last.error : undefined,
  });
}

function preview(value: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > 500 ? `${s.slice(0, 500)}…` : s;
}

/** POSTs spans (Zipkin v2 JSON) as-is. Returns the status and body; does not throw on 4xx/5xx. */
export async function postSpans(spans: unknown): Promise<{ status: number; body: string }> {
  const res = await fetch(`${requireZipkinUrl()}/api/v2/spans`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(spans),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return { status: res.status, body: await res.text() };
}
