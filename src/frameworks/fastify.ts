/// <reference types="node" preserve="true" />
// Named for TypeScript 7 users, whose default loads no @types: our declarations use Node's types.
import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import { checkServerOptions, startServerSpan, type HttpServerOptions, type ServerSpan } from '../http/server.js';
import { OptionsError, kindOf } from '../model/options-error.js';
import type { Span } from '../record/span-api.js';
import type { ServerTracer } from '../http/server.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The SERVER span of this request, set by the `tracing` plugin of `deferred-span/fastify`. */
    span: Span;
  }
}

/** Options of the fastify `tracing` plugin: the tracer, and the server span options. */
export interface FastifyTracingOptions extends HttpServerOptions {
  /** The tracer recording the spans, from `createTracer`. */
  readonly tracer: ServerTracer;
}

const WHERE = 'tracing (deferred-span/fastify)';

/** Each request's server span, for the onError hook to record the error on (fastify answers it itself). */
const servers = new WeakMap<FastifyRequest, ServerSpan>();

/**
 * Fastify plugin recording one SERVER span per request (see `tracer.httpHandler` for the tags):
 * `request.span` is the span, for `request.span.fetch(...)`. Its hooks apply to the whole app
 * (it skips fastify's encapsulation, as `fastify-plugin` does), so register it on the root
 * instance. The route (`request.routeOptions.url`) names the span (`GET /objects/:id`) and is
 * tagged `http.route`; `route`, when given, is kept. An error reaching fastify's onError hook is
 * recorded on the span (`error` with its message) while fastify answers it as usual.
 * @example
 * await app.register(tracing, { tracer });
 * app.get('/objects/:id', async (request) => (await request.span.fetch(url)).text());
 * @throws {OptionsError} for a bad option or a missing `tracer`, naming it: `register` fails, so
 * `await app.ready()` (or `listen`) rejects.
 */
export const tracing: FastifyPluginCallback<FastifyTracingOptions> = Object.assign(
  function tracing(fastify: Parameters<FastifyPluginCallback<FastifyTracingOptions>>[0], options: FastifyTracingOptions, done: (err?: Error) => void): void {
    const { tracer, ...rest } = options ?? ({} as Partial<FastifyTracingOptions>);
    if (typeof tracer?.startSpan !== 'function') {
      done(new OptionsError(WHERE, [`tracer: expected a tracer from createTracer, like register(tracing, { tracer }), got ${kindOf(tracer)}`]));
      return;
    }
    let o: HttpServerOptions;
    try {
      o = checkServerOptions(WHERE, rest);
    } catch (error) {
      done(error as Error);
      return;
    }
    fastify.decorateRequest('span', null as unknown as Span);
    fastify.addHook('onRequest', (request, reply, next) => {
      const server = startServerSpan(tracer, request.raw, reply.raw, o);
      request.span = server.span;
      const route = request.routeOptions.url;
      if (o.route === undefined && route !== undefined) server.setRoute(route);
      servers.set(request, server);
      next();
    });
    fastify.addHook('onError', (request, _reply, error, next) => {
      servers.get(request)?.recordError(error);
      next();
    });
    done();
  },
  { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'deferred-span' },
);
