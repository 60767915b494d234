/// <reference types="node" preserve="true" />
// Named for TypeScript 7 users, whose default loads no @types: our declarations use Node's types.
import type { Middleware } from 'koa';
import { checkServerOptions, startServerSpan, type HttpServerOptions } from '../http/server.js';
import type { Span } from '../record/span-api.js';
import type { ServerTracer } from '../http/server.js';

/** What `tracing()` puts in `ctx.state`. */
export interface TracingState {
  /** The SERVER span of this request. */
  span: Span;
}

/**
 * Koa middleware recording one SERVER span per request (see `tracer.httpHandler` for the tags):
 * `ctx.state.span` is the span, for `ctx.state.span.fetch(...)`. Use it first. The route that
 * `@koa/router` matched (`ctx._matchedRoute`) names the span (`GET /objects/:id`) and is tagged
 * `http.route`; without a router the name is the method alone; `options.route`, when given, is
 * kept. An error thrown downstream is recorded on the span (`error` with its message) and thrown
 * again, so koa answers it as usual.
 * @example
 * app.use(tracing(tracer));
 * router.get('/objects/:id', async (ctx) => (ctx.body = await (await ctx.state.span.fetch(url)).text()));
 * @throws {OptionsError} at once for a bad option, naming it; {TypeError} when `tracer` has no `startSpan`.
 */
export function tracing(tracer: ServerTracer, options?: HttpServerOptions): Middleware<TracingState> {
  if (typeof tracer?.startSpan !== 'function') throw new TypeError('tracing (deferred-span/koa): tracer: expected a tracer from createTracer');
  const o = checkServerOptions('tracing (deferred-span/koa)', options);
  return async function tracingMiddleware(ctx, next) {
    const server = startServerSpan(tracer, ctx.req, ctx.res, o);
    ctx.state.span = server.span;
    // The router (@koa/router) names the route it matched only once the request is through it.
    if (o.route === undefined) {
      server.beforeEnd(() => {
        const route = (ctx as { _matchedRoute?: unknown })._matchedRoute;
        if (typeof route === 'string') server.setRoute(route);
      });
    }
    try {
      await next();
    } catch (error) {
      // koa answers it (a 500): only recorded here.
      server.recordError(error);
      throw error;
    }
  };
}
