/// <reference types="node" preserve="true" />
// Named for TypeScript 7 users, whose default loads no @types: our declarations use Node's types.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import { checkServerOptions, startServerSpan, type HttpServerOptions } from '../http/server.js';
import type { Span } from '../record/span-api.js';
import type { ServerTracer } from '../http/server.js';

/** The hono environment of `tracing()`: @hono/node-server's bindings, and the span variable. */
export interface TracingEnv {
  Bindings: { incoming: IncomingMessage; outgoing: ServerResponse };
  Variables: { span: Span };
}

const WHERE = 'tracing (deferred-span/hono)';

/**
 * Hono middleware recording one SERVER span per request (see `tracer.httpHandler` for the tags),
 * for apps served by `@hono/node-server`, whose `c.env.incoming` and `c.env.outgoing` are the
 * request and response the span is read from and ends with. `c.get('span')` is the span, for
 * `c.get('span').fetch(...)`. Use it first. The path of the handler that answered
 * (`c.req.routePath`) names the span (`GET /objects/:id`) and is tagged `http.route`;
 * `options.route`, when given, is kept; when a later middleware answered instead (or a 404 passed
 * through one), its path, e.g. `/*`, is what hono reports and is recorded. A handler's error (`c.error`, answered by `app.onError`)
 * is recorded on the span (`error` with its message).
 * @example
 * const app = new Hono<TracingEnv>();
 * app.use(tracing(tracer));
 * app.get('/objects/:id', async (c) => c.text(await (await c.get('span').fetch(url)).text()));
 * serve({ fetch: app.fetch, port: 8080 });
 * @throws {OptionsError} at once for a bad option, naming it; {TypeError} when `tracer` has no
 * `startSpan`, and on a request not served by `@hono/node-server`.
 */
export function tracing(tracer: ServerTracer, options?: HttpServerOptions): MiddlewareHandler<TracingEnv> {
  if (typeof tracer?.startSpan !== 'function') throw new TypeError(`${WHERE}: tracer: expected a tracer from createTracer`);
  const o = checkServerOptions(WHERE, options);
  return async function tracingMiddleware(c, next) {
    const env = c.env as Partial<TracingEnv['Bindings']> | undefined;
    if (env?.incoming === undefined || env.outgoing === undefined) {
      throw new TypeError(`${WHERE}: c.env.incoming and c.env.outgoing are missing: serve the app with @hono/node-server`);
    }
    const server = startServerSpan(tracer, env.incoming, env.outgoing, o);
    c.set('span', server.span);
    const own = c.req.routeIndex;
    // Still our own index at the end: no route handler ran (a 404).
    if (o.route === undefined) server.beforeEnd(() => c.req.routeIndex !== own && server.setRoute(c.req.routePath));
    try {
      await next();
    } catch (error) {
      // Not an Error: hono does not catch it either.
      server.recordError(error);
      throw error;
    }
    // hono answers a handler's error itself (onError): only recorded here.
    if (c.error !== undefined) server.recordError(c.error);
  };
}
