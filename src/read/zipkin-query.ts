import { parseSpan, type ZipkinSpan } from '../model/zipkin-span.js';

/** Spans read from a Zipkin server, with the ones that failed validation described. */
export interface QueriedSpans {
  readonly spans: ZipkinSpan[];
  /** One sentence per skipped span, e.g. `span 3: not a Zipkin v2 span: id: expected 16 lowercase hex characters`. */
  readonly problems: string[];
}

/** Options of the Zipkin queries. */
export interface ZipkinQueryOptions {
  /**
   * Give up on a request after this long.
   * @default 10000
   */
  readonly timeoutMillis?: number;
}

/** Zipkin could not be asked, or answered something that is not Zipkin's API. */
export class ZipkinQueryError extends Error {
  override readonly name = 'ZipkinQueryError';
}

/**
 * The base of Zipkin's API from what a user may paste: `http://host:9411`, the UI's
 * `http://host:9411/zipkin/`, or the span endpoint `http://host:9411/api/v2/spans`.
 * @example zipkinBaseUrl('http://localhost:9411/api/v2/spans').href // 'http://localhost:9411/'
 * @throws {ZipkinQueryError} when `input` is not an http or https URL.
 */
export function zipkinBaseUrl(input: string): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new ZipkinQueryError(`"${input}" is not a URL; give Zipkin's address, like http://localhost:9411`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ZipkinQueryError(`${url.protocol} URLs are not supported; give Zipkin's http or https address, like http://localhost:9411`);
  }
  let path = url.pathname;
  const api = path.indexOf('/api/v2/');
  if (api >= 0) path = path.slice(0, api);
  path = path.replace(/\/+$/, '').replace(/\/zipkin$/, '');
  url.pathname = path + '/';
  url.search = '';
  url.hash = '';
  return url;
}

/** The URL without credentials, for messages. */
function shown(url: URL): string {
  return url.origin + url.pathname + url.search;
}

async function getJson(url: URL, options: ZipkinQueryOptions): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (url.username !== '' || url.password !== '') {
    headers.authorization = 'Basic ' + Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64');
  }
  const target = new URL(url.href);
  target.username = '';
  target.password = '';
  let res: Response;
  try {
    res = await fetch(target, { headers, signal: AbortSignal.timeout(options.timeoutMillis ?? 10_000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new ZipkinQueryError(`could not reach Zipkin at ${shown(target)} (${why}); check the URL and that Zipkin is running`);
  }
  const text = await res.text();
  if (res.status === 404) return { status: 404, body: undefined };
  if (res.status < 200 || res.status >= 300) {
    throw new ZipkinQueryError(`Zipkin answered ${res.status} to GET ${shown(target)}: ${text.slice(0, 200)}`);
  }
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    throw new ZipkinQueryError(`the answer to GET ${shown(target)} is not JSON; is this a Zipkin server? (it began: ${JSON.stringify(text.slice(0, 80))})`);
  }
}

function spansOf(value: unknown, where: string, problems: string[]): ZipkinSpan[] {
  const spans: ZipkinSpan[] = [];
  if (!Array.isArray(value)) {
    problems.push(`${where}: expected a list of spans`);
    return spans;
  }
  value.forEach((item, i) => {
    const parsed = parseSpan(item);
    if (parsed.ok) spans.push(parsed.span);
    else problems.push(`${where}span ${i}: ${parsed.message}`);
  });
  return spans;
}

/**
 * Reads one trace: `GET /api/v2/trace/{traceId}`. Resolves to `undefined` when Zipkin does not
 * have it (404). Spans that are not valid Zipkin v2 are skipped and described in `problems`.
 * @example const trace = await fetchTrace('http://localhost:9411', '4e441824ec2b6a44ffdc9bb9a6453df3');
 * @throws {ZipkinQueryError} when Zipkin cannot be reached or answers with something else.
 */
export async function fetchTrace(base: string | URL, traceId: string, options: ZipkinQueryOptions = {}): Promise<QueriedSpans | undefined> {
  const url = new URL(`api/v2/trace/${encodeURIComponent(traceId)}`, zipkinBaseUrl(String(base)));
  const { status, body } = await getJson(url, options);
  if (status === 404) return undefined;
  if (!Array.isArray(body)) throw new ZipkinQueryError(`the answer to GET ${shown(url)} is not a list of spans; is this a Zipkin server?`);
  const problems: string[] = [];
  const spans = spansOf(body, '', problems);
  return { spans, problems };
}

/**
 * Reads the most recent traces: `GET /api/v2/traces?limit=…`, optionally of one service.
 * Each trace is a list of spans; invalid spans are skipped and described in `problems`.
 * @example const { traces } = await fetchRecentTraces('http://localhost:9411', { limit: 10 });
 * @throws {ZipkinQueryError} when Zipkin cannot be reached or answers with something else.
 */
export async function fetchRecentTraces(
  base: string | URL,
  options: ZipkinQueryOptions & { readonly limit?: number; readonly serviceName?: string } = {},
): Promise<{ traces: ZipkinSpan[][]; problems: string[] }> {
  const url = new URL('api/v2/traces', zipkinBaseUrl(String(base)));
  url.searchParams.set('limit', String(options.limit ?? 10));
  if (options.serviceName !== undefined) url.searchParams.set('serviceName', options.serviceName);
  const { status, body } = await getJson(url, options);
  if (status === 404) throw new ZipkinQueryError(`GET ${shown(url)} answered 404; is this Zipkin's address? Give the base URL, like http://localhost:9411`);
  if (!Array.isArray(body)) throw new ZipkinQueryError(`the answer to GET ${shown(url)} is not a list of traces; is this a Zipkin server?`);
  const problems: string[] = [];
  const traces = body.map((trace, i) => spansOf(trace, `trace ${i}, `, problems)).filter((t) => t.length > 0);
  return { traces, problems };
}
