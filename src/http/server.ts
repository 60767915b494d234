import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';
import type { Endpoint } from '../model/endpoint.js';
import { checkOptionKeys, OptionsError } from '../model/options-error.js';
import { hasOwnTag, renameSpan, spanEnded } from '../record/span.js';
import type { Span } from '../record/span-api.js';
import { extractB3 } from '../propagation/b3.js';
import type { RecordingTracer } from '../record/tracer.js';

/** Options of `tracer.httpHandler` and of the framework adapters. */
export interface HttpServerOptions {
  /**
   * Join the client's span (Zipkin's shared span: same IDs, `shared: true`) when the client sent
   * IDs; false makes a child span of it instead.
   * @default true
   */
  readonly join?: boolean;
  /** The span name, or a function of the request that returns it; else the method, and the route when one is known (`GET /objects/:id`). */
  readonly name?: string | ((req: IncomingMessage) => string);
  /** The route template, when the caller knows it (adapters set it from the framework's router). */
  readonly route?: string;
  /** Tags put on every server span. */
  readonly tags?: Readonly<Record<string, unknown>>;
}

const KNOWN: ReadonlySet<string> = new Set(['join', 'name', 'route', 'tags']);

/** Checks server options once, when a handler or middleware is made. */
export function checkServerOptions(where: string, options: unknown): HttpServerOptions {
  checkOptionKeys(where, options, KNOWN, '{ join, name, route, tags }');
  if (options === undefined) return {};
  const o = options as HttpServerOptions;
  if (o.join !== undefined && typeof o.join !== 'boolean') throw new OptionsError(where, ['join: expected true or false']);
  if (o.name !== undefined && typeof o.name !== 'function' && (typeof o.name !== 'string' || o.name === '')) throw new OptionsError(where, ['name: expected a non-empty string, like "get object", or a function (req) => string']);
  if (o.route !== undefined && typeof o.route !== 'string') throw new OptionsError(where, ['route: expected a route template string, like "/objects/:id"']);
  return o;
}

/** The path of a request target, without its query: `/objects/7?x=1` → `/objects/7`. */
export function pathOf(target: string | undefined): string {
  if (target === undefined || target === '') return '/';
  const q = target.search(/[?#]/);
  const path = q < 0 ? target : target.slice(0, q);
  // An absolute-form target (a proxy request) carries the origin too.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    try {
      return new URL(path).pathname;
    } catch {
      return '/';
    }
  }
  return path === '' ? '/' : path;
}

/** The peer of a socket as a Zipkin endpoint (IPv4-mapped IPv6 addresses as IPv4). */
export function peerOf(address: string | undefined, port: number | undefined): Endpoint | undefined {
  if (address === undefined) return undefined;
  const v4 = address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
  const out: { ipv4?: string; ipv6?: string; port?: number } = {};
  if (isIPv4(v4)) out.ipv4 = v4;
  else if (isIPv6(v4)) out.ipv6 = v4;
  if (port !== undefined && port > 0) out.port = port;
  return out.ipv4 === undefined && out.ipv6 === undefined ? undefined : out;
}

/** A name function that throws or answers nothing falls back to the default name: it must not break the request. */
function safeName(name: (req: IncomingMessage) => string, req: IncomingMessage): string | undefined {
  try {
    const out = name(req);
    return typeof out === 'string' && out !== '' ? out : undefined;
  } catch {
    return undefined;
  }
}

/** A server span in progress: the span, and what an adapter may still tell it. */
export interface ServerSpan {
  readonly span: Span;
  /** The route template, once the router knows it: it becomes part of the name and `http.route`. */
  setRoute(route: string): void;
  /** The handler failed: tagged `error`; a 500 is sent when nothing was answered yet. */
  fail(error: unknown): void;
  /** The handler failed, and the framework answers for itself: only tagged `error` (the first error wins). */
  recordError(error: unknown): void;
  /** Runs `fn` when the exchange ends, just before the span does: a router tells its route only then. */
  beforeEnd(fn: () => void): void;
}

/** What the server helpers need of a tracer: `startSpan`, and `extract` (B3 alone without it). */
export type ServerTracer = Pick<RecordingTracer, 'startSpan'> & Partial<Pick<RecordingTracer, 'extract'>>;

/**
 * Starts the SERVER span of one request and ends it on `res`'s `'close'`, which fires however the
 * exchange ends (`'finish'` never fires when the client aborts). The parent is read from the
 * request's own headers, never from shared state.
 */
export function startServerSpan(tracer: ServerTracer, req: IncomingMessage, res: ServerResponse, options: HttpServerOptions = {}): ServerSpan {
  const method = (req.method ?? 'GET').toUpperCase();
  let route = options.route;
  const given = typeof options.name === 'function' ? safeName(options.name, req) : options.name;
  const nameFor = (): string => given ?? (route === undefined ? method : `${method} ${route}`);
  // In the tracer's formats; a W3C parent is never joined (W3C has no shared spans): a child then.
  const parent = (tracer.extract === undefined ? extractB3(req.headers) : tracer.extract(req.headers)) ?? null;
  const join = options.join ?? true;
  const remote = peerOf(req.socket?.remoteAddress, req.socket?.remotePort);
  const span = tracer.startSpan(nameFor(), {
    kind: 'SERVER',
    parent,
    join,
    ...(remote !== undefined && { remoteEndpoint: remote }),
    ...(options.tags !== undefined && { tags: options.tags }),
  });
  span.tag('http.method', method).tag('http.path', pathOf(req.url));
  if (route !== undefined) span.tag('http.route', route);
  let failed: unknown;
  let hasFailed = false;
  let beforeEnd: Array<() => void> | undefined;
  res.once('close', () => {
    if (beforeEnd !== undefined) {
      for (const fn of beforeEnd) {
        try {
          fn();
        } catch {
          // an adapter's hook must not keep the span from ending
        }
      }
    }
    // The handler may have ended the span itself (say, failed it with its own error first).
    if (spanEnded(span)) return;
    const status = res.statusCode;
    // Nothing sent (the client went away first): res.statusCode is only the default 200.
    if (res.headersSent) span.tag('http.status_code', status);
    if (!res.writableFinished) {
      // The client went away before the answer was complete.
      span.tag('http.aborted', 'true');
      span.fail(hasFailed ? failed : new Error('the client closed the connection before the response was complete'));
    } else if (hasFailed) {
      span.fail(failed);
    } else if (status >= 500 && !hasOwnTag(span, 'error')) {
      span.fail(String(status));
    } else {
      span.end();
    }
  });
  const recordError = (error: unknown): void => {
    if (hasFailed) return;
    hasFailed = true;
    failed = error;
  };
  return {
    span,
    recordError,
    beforeEnd(fn) {
      (beforeEnd ??= []).push(fn);
    },
    setRoute(next) {
      if (typeof next !== 'string' || next === '' || next === route) return;
      route = next;
      span.tag('http.route', next);
      renameSpan(span, nameFor());
    },
    fail(error) {
      recordError(error);
      if (!res.headersSent && !res.writableEnded) {
        try {
          res.statusCode = 500;
          res.end();
        } catch {
          // the response is already broken: 'close' still ends the span
        }
      }
    },
  };
}

/** What `tracer.httpHandler` wraps: a `node:http` request listener that also gets the span. */
export type TracedRequestListener = (span: Span, req: IncomingMessage, res: ServerResponse) => unknown;

/**
 * A `node:http` request listener that records one SERVER span per request (see `startServerSpan`).
 * A handler that throws or rejects gets a 500 if nothing was answered yet, and its error is not
 * swallowed: a synchronous throw is thrown again, a rejection rejects the promise the listener
 * returns, as without tracing.
 */
export function httpHandler(tracer: ServerTracer, handler: TracedRequestListener, options?: HttpServerOptions): (req: IncomingMessage, res: ServerResponse) => unknown {
  if (typeof handler !== 'function') throw new TypeError('httpHandler: handler: expected a function (span, req, res) => void');
  const o = checkServerOptions('httpHandler', options);
  return function tracedRequestListener(req: IncomingMessage, res: ServerResponse): unknown {
    const server = startServerSpan(tracer, req, res, o);
    let result: unknown;
    try {
      result = handler(server.span, req, res);
    } catch (error) {
      server.fail(error);
      throw error;
    }
    if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
      return Promise.resolve(result).catch((error: unknown) => {
        server.fail(error);
        throw error;
      });
    }
    return result;
  };
}
