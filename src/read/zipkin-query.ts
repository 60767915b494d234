import type { ZipkinSpan } from '../model/zipkin-span.js';
import { parseSpan } from '../model/zipkin-span-schema.js';
import { CredentialRedactor, MIN_SECRET_LENGTH } from '../model/redaction.js';

/** Spans read from a Zipkin server, with the ones that failed validation described. */
export interface QueriedSpans {
  readonly spans: ZipkinSpan[];
  /** One sentence per skipped span, e.g. `span 3: not a Zipkin v2 span: id: expected 16 lowercase hex characters`. */
  readonly problems: string[];
}

/** Options of the Zipkin queries. */
export interface ZipkinQueryOptions {
  /**
   * Give up on a request after this long, the whole answer included: a server that sends its
   * headers and then stalls fails too.
   * @default 10000
   */
  readonly timeoutMillis?: number;
  /**
   * Give up on an answer longer than this many bytes (after decompression), before it fills memory.
   * @default 67108864 (64 MiB)
   */
  readonly maxBytes?: number;
}

/** `timeoutMillis` unless given: 10 seconds. */
export const DEFAULT_TIMEOUT_MILLIS = 10_000;
/** `maxBytes` unless given: 64 MiB, room for a trace of a few hundred thousand spans. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
/** Bytes of an error answer read for its message: enough for a reason, not for a page of HTML. */
const MAX_ERROR_BODY = 1024;

/** What went wrong with a query, for callers that say what to change. */
export type ZipkinQueryFailure =
  /** Not an http(s) URL. */
  | 'bad-url'
  /** Nothing answered: refused, unknown host, reset. */
  | 'unreachable'
  /** No whole answer within `timeoutMillis`. */
  | 'timeout'
  /** The answer is longer than `maxBytes`. */
  | 'too-large'
  /** An HTTP status other than 2xx (and 404, which means "no such trace"). */
  | 'status'
  /** A 2xx answer that is not Zipkin's JSON. */
  | 'not-zipkin';

/** Zipkin could not be asked, or answered something that is not Zipkin's API. */
export class ZipkinQueryError extends Error {
  override readonly name = 'ZipkinQueryError';
  /** What went wrong, in a word. */
  readonly reason: ZipkinQueryFailure;

  constructor(message: string, reason: ZipkinQueryFailure) {
    super(message);
    this.reason = reason;
  }
}


/** `decodeURIComponent`, or the text as it is when it holds a bad escape like `%zz`. */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The user name and password the query sends for the URL, as Basic auth, decoded. */
function userinfo(url: URL): { user: string; password: string } | undefined {
  if (url.username === '' && url.password === '') return undefined;
  return { user: decoded(url.username), password: decoded(url.password) };
}

function basicAuth(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}

/**
 * The credentials in a URL as a user typed it (`http://user:secret@host`), in every form a
 * message or an answer might show them: as typed, percent-decoded, `user:password`, and the Basic
 * authorization header (and its token) that the queries send for them. A URL that does not parse
 * is read as text, so even an error about it can be cleaned. Give these to `CredentialRedactor`.
 */
export function urlCredentials(input: string): string[] {
  const found = new Set<string>();
  // A user name alone is often a token (https://TOKEN@host); beside a password it is not secret.
  const forms = (user: string, password: string): string[] => (password === '' ? [user] : [password, `${user}:${password}`]);
  const add = (user: string, password: string): void => {
    const header = basicAuth(decoded(user), decoded(password));
    for (const secret of [...forms(user, password), ...forms(decoded(user), decoded(password)), header, header.slice('Basic '.length)]) found.add(secret);
  };
  const typed = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(input.trim())?.[1];
  if (typed !== undefined) {
    const colon = typed.indexOf(':');
    add(colon < 0 ? typed : typed.slice(0, colon), colon < 0 ? '' : typed.slice(colon + 1));
    found.add(typed);
  }
  try {
    const url = new URL(input.trim());
    if (url.username !== '' || url.password !== '') add(url.username, url.password);
  } catch {
    // Not a URL: the typed form above is all there is.
  }
  return [...found].filter((s) => s.length >= MIN_SECRET_LENGTH);
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
    const redact = new CredentialRedactor(urlCredentials(input));
    throw new ZipkinQueryError(redact.text(`"${input}" is not a URL; give Zipkin's address, like http://localhost:9411`), 'bad-url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ZipkinQueryError(`${url.protocol} URLs are not supported; give Zipkin's http or https address, like http://localhost:9411`, 'bad-url');
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

/** How long, for messages: `10 s`, `0.2 s`. */
function seconds(millis: number): string {
  return `${millis / 1000} s`;
}

/** The bytes of a size, for messages: `64 MiB`, `1000 bytes`. */
function bytes(n: number): string {
  const mib = n / (1024 * 1024);
  if (Number.isInteger(mib)) return `${mib} MiB`;
  const kib = n / 1024;
  return Number.isInteger(kib) ? `${kib} KiB` : `${n} bytes`;
}

/**
 * Reads a body to its end or to `max` bytes. Past `max`, the rest is not read (the connection is
 * dropped) and `truncated` is true. Rejects as the stream does, e.g. when the deadline aborts it.
 */
async function readBody(res: Response, max: number): Promise<{ text: string; truncated: boolean }> {
  if (res.body === null) return { text: '', truncated: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (length + value.byteLength > max) {
      chunks.push(value.subarray(0, max - length));
      length = max;
      // Not awaited: a stalled server may never confirm, and the answer is not needed any more.
      reader.cancel().catch(() => {});
      return { text: Buffer.concat(chunks, length).toString('utf8'), truncated: true };
    }
    chunks.push(value);
    length += value.byteLength;
  }
  return { text: Buffer.concat(chunks, length).toString('utf8'), truncated: false };
}

async function getJson(url: URL, options: ZipkinQueryOptions): Promise<{ status: number; body: unknown }> {
  const timeoutMillis = options.timeoutMillis ?? DEFAULT_TIMEOUT_MILLIS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  // Every message goes through this: a server may echo the credentials it was sent.
  const redact = new CredentialRedactor(urlCredentials(url.href));
  const headers: Record<string, string> = { accept: 'application/json' };
  const auth = userinfo(url);
  if (auth !== undefined) headers.authorization = basicAuth(auth.user, auth.password);
  const target = new URL(url.href);
  target.username = '';
  target.password = '';
  const where = shown(target);
  // One deadline for the headers and the body alike: fetch passes the signal on to the body stream.
  const signal = AbortSignal.timeout(timeoutMillis);
  const fail = (message: string, reason: ZipkinQueryFailure): ZipkinQueryError => new ZipkinQueryError(redact.text(message), reason);
  let res: Response;
  try {
    res = await fetch(target, { headers, signal });
  } catch (error) {
    if (signal.aborted) throw fail(`Zipkin at ${where} did not answer within ${seconds(timeoutMillis)}`, 'timeout');
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    throw fail(`could not reach Zipkin at ${where} (${why}); check the URL and that Zipkin is running`, 'unreachable');
  }
  const ok = res.status >= 200 && res.status < 300;
  if (res.status === 404) {
    res.body?.cancel().catch(() => {});
    return { status: 404, body: undefined };
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  const tooLarge = (): ZipkinQueryError => fail(`the answer to GET ${where} is larger than ${bytes(maxBytes)}, the most read`, 'too-large');
  if (ok && declared > maxBytes) {
    res.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  let body: { text: string; truncated: boolean };
  try {
    body = await readBody(res, ok ? maxBytes : MAX_ERROR_BODY);
  } catch (error) {
    if (signal.aborted) {
      throw fail(`Zipkin at ${where} answered ${res.status} but did not send the whole answer within ${seconds(timeoutMillis)}`, 'timeout');
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw fail(`Zipkin at ${where} broke off its answer (${cause?.code ?? cause?.message ?? (error as Error).message})`, 'unreachable');
  }
  if (!ok) {
    // Redacted before it is cut for the message, so the cut cannot leave part of a secret.
    const said = (body.truncated ? redact.cut(body.text) : redact.text(body.text)).trim().replace(/\s+/g, ' ');
    throw fail(`Zipkin answered ${res.status} to GET ${where}${said === '' ? '' : `: ${said.length > 200 ? said.slice(0, 199) + '…' : said}`}`, 'status');
  }
  if (body.truncated) throw tooLarge();
  try {
    return { status: res.status, body: JSON.parse(body.text) };
  } catch {
    throw fail(`the answer to GET ${where} is not JSON; is this a Zipkin server? (it began: ${JSON.stringify(redact.text(body.text.slice(0, 4096)).slice(0, 80))})`, 'not-zipkin');
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
  if (!Array.isArray(body)) throw new ZipkinQueryError(`the answer to GET ${shown(url)} is not a list of spans; is this a Zipkin server?`, 'not-zipkin');
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
  // endTs and lookback (epoch ms, ms): the window Zipkin searches, for paging back in time (`summary URL`).
  options: ZipkinQueryOptions & { readonly limit?: number; readonly serviceName?: string; readonly endTs?: number; readonly lookback?: number } = {},
): Promise<{ traces: ZipkinSpan[][]; problems: string[] }> {
  const url = new URL('api/v2/traces', zipkinBaseUrl(String(base)));
  url.searchParams.set('limit', String(options.limit ?? 10));
  if (options.serviceName !== undefined) url.searchParams.set('serviceName', options.serviceName);
  if (options.endTs !== undefined) url.searchParams.set('endTs', String(Math.floor(options.endTs)));
  if (options.lookback !== undefined) url.searchParams.set('lookback', String(Math.max(1, Math.floor(options.lookback))));
  const { status, body } = await getJson(url, options);
  if (status === 404) throw new ZipkinQueryError(`GET ${shown(url)} answered 404; is this Zipkin's address? Give the base URL, like http://localhost:9411`, 'status');
  if (!Array.isArray(body)) throw new ZipkinQueryError(`the answer to GET ${shown(url)} is not a list of traces; is this a Zipkin server?`, 'not-zipkin');
  const problems: string[] = [];
  const traces = body.map((trace, i) => spansOf(trace, `trace ${i}, `, problems)).filter((t) => t.length > 0);
  return { traces, problems };
}

export { CredentialRedactor } from '../model/redaction.js';
