// The four framework adapters on their real frameworks on loopback, for the framework-*.test.ts files:
// each app answers GET /objects/:id with the test's handler.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa, { type Middleware } from 'koa';
import { errorTracing, tracing as expressTracing } from '../../src/frameworks/express.js';
import { tracing as fastifyTracing } from '../../src/frameworks/fastify.js';
import { tracing as honoTracing, type TracingEnv } from '../../src/frameworks/hono.js';
import { tracing as koaTracing, type TracingState } from '../../src/frameworks/koa.js';
import type { HttpServerOptions, MemorySink, Span, Tracer, ZipkinSpan } from '../../src/index.js';
import { listen, stop } from './http.js';

export interface App {
  readonly url: string;
  close(): Promise<void>;
}
/** What a route does: the span the adapter made, and the node request and response under the framework's own. */
export type Handler = (span: Span, req: http.IncomingMessage, res: http.ServerResponse) => Promise<string>;
export type Start = (tracer: Tracer, handler: Handler, options?: HttpServerOptions) => Promise<App>;

export async function serve(server: http.Server): Promise<App> {
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, close: () => stop(server) };
}

/** What the koa adapter needs of @koa/router (not installed here): a matched route sets `ctx._matchedRoute` before its handler runs. */
export function koaRoute(template: string, handle: Middleware<TracingState>): Middleware<TracingState> {
  const pattern = new RegExp(`^${template.replace(/:\w+/g, '[^/]+')}$`);
  return async (ctx, next) => {
    if (ctx.method !== 'GET' || !pattern.test(ctx.path)) return next();
    Object.assign(ctx, { _matchedRoute: template });
    return handle(ctx, next);
  };
}

export const frameworks: Record<string, Start> = {
  async express(tracer, handler, options) {
    const app = express();
    app.set('env', 'test'); // else express logs each handler error
    app.use(expressTracing(tracer, options));
    app.get('/objects/:id', async (req, res) => {
      res.send(await handler(req.span, req, res));
    });
    app.use(errorTracing());
    return serve(http.createServer(app));
  },
  async fastify(tracer, handler, options) {
    const app = Fastify();
    await app.register(fastifyTracing, { tracer, ...options });
    app.get('/objects/:id', async (request, reply) => handler(request.span, request.raw, reply.raw));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: async () => (app.server.closeAllConnections(), await app.close()) };
  },
  async koa(tracer, handler, options) {
    const app = new Koa();
    app.silent = true; // else koa logs each handler error
    app.use(koaTracing(tracer, options));
    app.use(koaRoute('/objects/:id', async (ctx) => {
      ctx.body = await handler(ctx.state.span, ctx.req, ctx.res);
    }));
    return serve(http.createServer(app.callback()));
  },
  async hono(tracer, handler, options) {
    const app = new Hono<TracingEnv>();
    app.use(honoTracing(tracer, options));
    app.get('/objects/:id', async (c) => c.text(await handler(c.get('span'), c.env.incoming, c.env.outgoing)));
    app.onError((_error, c) => c.text('failed', 500)); // else hono logs each handler error
    return serve(createAdaptorServer({ fetch: app.fetch }) as http.Server);
  },
};

/** Flushes until the sink holds `count` spans: a server span ends on the response's 'close', which may come after the client has its answer. */
export async function spans(tracer: Tracer, sink: MemorySink, count: number): Promise<ZipkinSpan[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    await tracer.flush();
    if (sink.spans.length >= count) return sink.spans;
    if (Date.now() > deadline) assert.fail(`expected ${count} span(s) within 5 s, got ${sink.spans.length}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
