import { errorMonitor } from 'node:events';
import type * as Http from 'node:http';
import type * as Https from 'node:https';
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { createRequire } from 'node:module';
import type { Endpoint } from '../model/endpoint.js';
import { checkOptionKeys } from '../model/options-error.js';
import type { Parent, Span } from '../record/span-api.js';
import type { RecordingTracer } from '../record/tracer.js';
import { helperHeaders } from '../record/span.js';
import { peerOf } from './server.js';
import { watchWire } from './wire.js';

/** Options of `span.fetch` and `tracer.fetch`, besides the request's own. */
export interface HttpClientOptions {
  /** The span name. @default the method, e.g. `GET` (Brave's convention) */
  readonly name?: string;
  /** The service on the other side, recorded as the remote endpoint's `serviceName`. */
  readonly remoteServiceName?: string;
  /**
   * Keep query values out of the `http.url` tag (`?token=[redacted]`). Credentials in the URL are
   * never recorded.
   * @default false
   */
  readonly redactQuery?: boolean;
  /** Tags put on the span. */
  readonly tags?: Readonly<Record<string, unknown>>;
}

/** Options of `tracer.fetch`: those of `span.fetch`, and the parent. */
export interface TracerFetchOptions extends HttpClientOptions {
  /** The parent span or context; null or absent starts a new trace. */
  readonly parent?: Parent | null | undefined;
}

const CLIENT_KEYS: ReadonlySet<string> = new Set(['name', 'remoteServiceName', 'redactQuery', 'tags']);
const TRACER_FETCH_KEYS: ReadonlySet<string> = new Set([...CLIENT_KEYS, 'parent']);
const CLIENT_EXAMPLE = '{ name, remoteServiceName }';

/** The `http.url` tag: no credentials ever, and no query values when asked. */
function urlTag(url: URL, redactQuery: boolean): string {
  // The common case needs no second parse.
  if (url.username === '' && url.password === '' && url.hash === '' && (!redactQuery || url.search === '')) return url.href;
  const out = new URL(url.href);
  out.username = '';
  out.password = '';
  out.hash = '';
  if (redactQuery) for (const key of [...new Set(out.searchParams.keys())]) out.searchParams.set(key, '[redacted]');
  return out.href;
}

/** The server as far as the URL tells: an IP literal and its port (by the rule of the socket's peer). */
function endpointOfUrl(url: URL, serviceName: string | undefined): Endpoint | undefined {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : undefined;
  const peer = peerOf(host, port);
  if (serviceName === undefined || serviceName === '') return peer;
  return { serviceName, ...peer };
}

/** Brave's HTTP rule: a status outside 100..399 is an error, its code the tag's value. */
function statusError(status: number): string | undefined {
  return status < 100 || status > 399 ? String(status) : undefined;
}

/** Headers with the propagation headers added, in the caller's shape, the caller's object untouched. */
function withPropagation(headers: unknown, added: Record<string, string>): NonNullable<RequestInit['headers']> {
  if (headers === undefined || headers === null) return added;
  if (headers instanceof Headers) {
    const copy = new Headers(headers);
    for (const [k, v] of Object.entries(added)) copy.set(k, v);
    return copy;
  }
  if (Array.isArray(headers)) {
    const lower = new Set(Object.keys(added));
    return [...(headers as Array<[string, string]>).filter(([k]) => !lower.has(String(k).toLowerCase())), ...Object.entries(added)];
  }
  if (typeof headers === 'object') {
    const copy: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers as Record<string, string>)) if (!(k.toLowerCase() in added)) copy[k] = v;
    return { ...copy, ...added };
  }
  return added;
}

/** Ends a client span once: at the body's end, at a failure, or when the response was never read. */
class ClientCall {
  readonly span: Span;
  /** What the URL told of the server; the socket's address completes it when the URL had a host name. */
  readonly #remote: Endpoint | undefined;
  #ended = false;
  #responded = false;
  #bodyDone = false;
  #sawWr = false;
  #unwatch: (() => void) | undefined;

  constructor(span: Span, remote: Endpoint | undefined) {
    this.span = span;
    this.#remote = remote;
  }

  /** The socket's peer: recorded when the URL named a host rather than an address. */
  peerSeen(peer: Endpoint | undefined): void {
    const remote = this.#remote;
    if (peer !== undefined && remote?.ipv4 === undefined && remote?.ipv6 === undefined) this.span.setRemoteEndpoint({ ...remote, ...peer });
  }

  watch(): void {
    if (!this.span.isRecording) return;
    this.#unwatch = watchWire(this.span.context.spanId, {
      // Annotated now, on the tracer's clock: the events come as they happen.
      headersSent: (peer) => {
        this.span.annotate('ws');
        this.peerSeen(peer);
      },
      headersReceived: () => {
        this.#sawWr = true;
        this.span.annotate('wr');
      },
      bodyDone: () => {
        this.#bodyDone = true;
        if (this.#responded) this.end();
      },
      failed: (error) => {
        // Before the response, fetch itself rejects next, with the fuller story: wait for that.
        if (!this.#responded) return;
        // undici cancels the body of a Response that was collected unread: not a failure of the call.
        // (undici passes that reason as a plain string.)
        if (/garbage collected/i.test(error instanceof Error ? error.message : String(error))) return this.abandoned();
        this.fail(error);
      },
    });
  }

  /** The response headers are here: status and `wr`; ends now when there is no body to wait for. */
  responded(status: number, bodyless: boolean): void {
    this.#responded = true;
    if (!this.#sawWr) this.span.annotate('wr');
    this.span.tag('http.status_code', status);
    const error = statusError(status);
    if (error !== undefined) this.span.tag('error', error);
    if (bodyless || this.#bodyDone) this.end();
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#unwatch?.();
    unread.unregister(this);
    this.span.end();
  }

  fail(error: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#unwatch?.();
    unread.unregister(this);
    this.span.fail(error);
  }

  /** The Response was collected unread: the span ends now, saying so. */
  abandoned(): void {
    if (this.#ended) return;
    this.span.tag('http.body', 'not read');
    this.end();
  }

  get ended(): boolean {
    return this.#ended;
  }
}

// A body nobody reads never arrives to its end: the span ends when its Response is collected.
const unread = new FinalizationRegistry<ClientCall>((call) => call.abandoned());

/** The CLIENT span of one call, named and tagged as Brave does HTTP, for fetch and node:http alike. */
function startClientSpan(tracer: Pick<RecordingTracer, 'startSpan'>, parent: Parent | null, method: string, url: URL, o: HttpClientOptions): ClientCall {
  const remote = endpointOfUrl(url, o.remoteServiceName);
  const span = tracer.startSpan(o.name ?? method, {
    kind: 'CLIENT',
    parent,
    ...(remote !== undefined && { remoteEndpoint: remote }),
    ...(o.tags !== undefined && { tags: o.tags }),
  });
  span.tag('http.method', method).tag('http.path', url.pathname).tag('http.url', urlTag(url, o.redactQuery === true));
  return new ClientCall(span, remote);
}

type FetchInput = string | URL | Request;

function methodOf(input: FetchInput, init: RequestInit | undefined): string {
  const m = init?.method ?? (input instanceof Request ? input.method : 'GET');
  return String(m).toUpperCase();
}

function urlOf(input: FetchInput): URL {
  return new URL(input instanceof Request ? input.url : input instanceof URL ? input.href : String(input));
}

/**
 * One CLIENT span around one `fetch`: child of `parent`, propagation headers injected without
 * touching the caller's, tagged as Brave tags HTTP, ended when the body is done (or at the headers
 * when there is none). The caller gets the very Response fetch gave.
 */
function tracedFetch(
  tracer: Pick<RecordingTracer, 'startSpan'>,
  parent: Parent | null,
  input: FetchInput,
  init: RequestInit | undefined,
  options: HttpClientOptions,
): Promise<Response> {
  let url: URL;
  try {
    url = urlOf(input);
  } catch (error) {
    // What fetch itself would do with a bad URL: reject, untraced.
    return Promise.reject(error);
  }
  // fetch rejects a URL with credentials, quoting it whole: no span, so no tag can keep them.
  if (url.username !== '' || url.password !== '') return fetch(input, init);
  const method = methodOf(input, init);
  const call = startClientSpan(tracer, parent, method, url, options);
  const span = call.span;
  const baseHeaders = init?.headers ?? (input instanceof Request ? input.headers : undefined);
  const nextInit: RequestInit = { ...init, headers: withPropagation(baseHeaders, helperHeaders(span)) };
  call.watch();
  let pending: Promise<Response>;
  try {
    pending = fetch(input, nextInit);
  } catch (error) {
    call.fail(error);
    return Promise.reject(error);
  }
  return pending.then(
    (response) => {
      const bodyless = method === 'HEAD' || response.status === 204 || response.status === 304 || response.body === null;
      call.responded(response.status, bodyless);
      if (!call.ended) unread.register(response, call, call);
      return response;
    },
    (error: unknown) => {
      call.fail(withCause(error));
      throw error;
    },
  );
}

/** fetch's `TypeError: fetch failed` says little; its cause (`connect ECONNREFUSED …`) says what. */
function withCause(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error && cause.message !== '' && cause.message !== error.message ? new Error(`${error.message}: ${cause.message}`) : error;
}

/** `tracer.fetch(input, init?, options?)`: the options checked, then `tracedFetch`. */
export function tracerFetch(tracer: Pick<RecordingTracer, 'startSpan'>, input: FetchInput, init?: RequestInit, options?: TracerFetchOptions): Promise<Response> {
  checkOptionKeys('fetch', options, TRACER_FETCH_KEYS, CLIENT_EXAMPLE);
  return tracedFetch(tracer, options?.parent ?? null, input, init, options ?? {});
}

/** `span.fetch(input, init?, options?)`. */
export function spanFetch(tracer: Pick<RecordingTracer, 'startSpan'>, parent: Span, input: FetchInput, init?: RequestInit, options?: HttpClientOptions): Promise<Response> {
  checkOptionKeys('span.fetch', options, CLIENT_KEYS, CLIENT_EXAMPLE);
  return tracedFetch(tracer, parent, input, init, options ?? {});
}

// node:http and node:https load on the first span.request: a tracer that never makes one pays nothing.
const load = createRequire(import.meta.url);
type RequestFn = typeof Http.request;
let requestFns: { readonly http: RequestFn; readonly https: RequestFn } | undefined;
function requestFunctions(): { readonly http: RequestFn; readonly https: RequestFn } {
  return (requestFns ??= { http: (load('node:http') as typeof Http).request, https: (load('node:https') as typeof Https).request });
}

/** The arguments of `http.request`: a URL or options, then options, then the callback. */
type RequestArgs = [url: string | URL | RequestOptions, options?: RequestOptions | ((res: IncomingMessage) => void), callback?: (res: IncomingMessage) => void];

/**
 * `span.request(...)`: `http.request` (or `https.request` for an https URL or protocol) with one
 * CLIENT span, the propagation headers set before anything is sent, ended at the response's end or
 * close, or at the request's error or close.
 */
export function spanRequest(tracer: Pick<RecordingTracer, 'startSpan'>, parent: Span, args: RequestArgs): ClientRequest {
  // http.request's own arguments only: the span takes the defaults (named after the method).
  const o: HttpClientOptions = {};
  const [first, second, third] = args;
  const reqOptions: RequestOptions = typeof second === 'object' && second !== null ? second : {};
  const callback = typeof second === 'function' ? second : third;
  const target = first instanceof URL ? first : typeof first === 'string' ? new URL(first) : undefined;
  const secure = (target?.protocol ?? (first as RequestOptions).protocol ?? reqOptions.protocol ?? 'http:') === 'https:';
  const merged: RequestOptions = target === undefined ? { ...(first as RequestOptions), ...reqOptions } : reqOptions;
  const method = String(merged.method ?? 'GET').toUpperCase();
  const host = merged.hostname ?? merged.host ?? 'localhost';
  const url = target ?? new URL(`${secure ? 'https' : 'http'}://${String(host).includes(':') && !String(host).startsWith('[') ? `[${host}]` : host}${merged.port !== undefined ? `:${merged.port}` : ''}${merged.path ?? '/'}`);
  const call = startClientSpan(tracer, parent, method, url, o);
  const span = call.span;
  const given = merged.headers;
  const b3 = helperHeaders(span);
  // node:http also takes headers as a flat [name, value, …] array.
  const headers = Array.isArray(given) ? [...(given as readonly string[]), ...Object.entries(b3).flat()] : (withPropagation(given, b3) as Record<string, string>);
  const finalOptions: RequestOptions = { ...merged, headers };
  const request = secure ? requestFunctions().https : requestFunctions().http;
  const req = target === undefined ? request(finalOptions, callback) : request(target, finalOptions, callback);
  req.once('finish', () => span.annotate('ws'));
  req.once('socket', (socket) => {
    const note = (): void => call.peerSeen(peerOf(socket.remoteAddress, socket.remotePort));
    if (socket.remoteAddress !== undefined) note();
    else socket.once('connect', note);
  });
  let answered = false;
  req.once('response', (res) => {
    answered = true;
    call.responded(res.statusCode ?? 0, method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304);
    res.once('end', () => call.end());
    res.once('close', () => (res.complete ? call.end() : call.fail(new Error('the response was cut off'))));
    // errorMonitor: seen without counting as a listener, so an error nobody handles still throws as without tracing.
    res.once(errorMonitor, (error: Error) => call.fail(error));
  });
  req.once(errorMonitor, (error: Error) => call.fail(error));
  req.once('close', () => {
    if (!call.ended && !req.writableFinished) call.fail(new Error('the request was closed before it was sent'));
    else if (!call.ended && !answered) call.fail(new Error('the request closed without a response'));
  });
  return req;
}
