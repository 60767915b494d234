/// <reference types="node" preserve="true" />
// Named for TypeScript 7 users, whose default loads no @types: our declarations use Node's types.
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { checkServerOptions, startServerSpan, type HttpServerOptions, type ServerSpan } from '../http/server.js';
import type { Span } from '../record/span-api.js';
import type { ServerTracer } from '../http/server.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- @types/express's own augmentation point
  namespace Express {
    interface Request {
      /** The SERVER span of this request, set by `tracing()` of `deferred-span/express`. */
      span: Span;
    }
  }
}

/** Each request's server span, for `errorTracing()` to record the error on (express answers it itself). */
const servers = new WeakMap<object, ServerSpan>();

/** `/objects/:id` under a router mounted at `/api` is `/api/objects/:id`. */
function template(baseUrl: string, path: string): string {
  return baseUrl !== '' && path === '/' ? baseUrl : baseUrl + path;
}

/**
 * Names the span after the route template when the router matches one: it sets `req.route` while
 * `req.baseUrl` is still the mount path of that route's router (restored when the router is
 * left, e.g. for an error, so it is read now, not at the end).
 */
function watchRoute(req: Request, server: ServerSpan): void {
  let value: unknown = req.route;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => value,
    set(next: unknown) {
      value = next;
      const path = (next as { path?: unknown } | undefined)?.path;
      if (typeof path === 'string') server.setRoute(template(req.baseUrl ?? '', path));
    },
  });
}

/**
 * Express middleware recording one SERVER span per request (see `tracer.httpHandler` for the
 * tags): `req.span` is the span, for `req.span.fetch(...)` and `req.span.traced(...)`. Mount it
 * first. The route the router matches (`req.baseUrl` + `req.route.path`) names the span
 * (`GET /objects/:id`) and is tagged `http.route`; `options.route`, when given, is kept.
 *
 * Errors: express answers a thrown or `next(err)` error with a 500, which tags `error` with
 * `500`. Mount `errorTracing()` after your routes (and before your own error handlers) to record
 * the error itself; it passes the error on untouched, so the response stays express's.
 * @example
 * app.use(tracing(tracer));
 * app.get('/objects/:id', async (req, res) => res.send(await (await req.span.fetch(url)).text()));
 * app.use(errorTracing());
 * @throws {OptionsError} at once for a bad option, naming it; {TypeError} when `tracer` has no `startSpan`.
 */
export function tracing(tracer: ServerTracer, options?: HttpServerOptions): RequestHandler {
  if (typeof tracer?.startSpan !== 'function') throw new TypeError('tracing (deferred-span/express): tracer: expected a tracer from createTracer');
  const o = checkServerOptions('tracing (deferred-span/express)', options);
  return function tracingMiddleware(req, res, next) {
    const server = startServerSpan(tracer, req, res, o);
    req.span = server.span;
    if (o.route === undefined) watchRoute(req, server);
    servers.set(req, server);
    next();
  };
}

/**
 * Express error middleware recording the error of a request on its span (`error` tag with the
 * error's message) and passing it on with `next(err)`. Mount it after your routes.
 * @example app.use(errorTracing());
 */
export function errorTracing(): ErrorRequestHandler {
  return function errorTracingMiddleware(error: unknown, req, _res, next) {
    servers.get(req)?.recordError(error);
    next(error);
  };
}
