// Every framework adapter checks its options when it is made, as every options argument of the
// library does: a misspelt option throws an OptionsError naming the option it meant.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { tracing as expressTracing } from '../src/frameworks/express.js';
import { tracing as fastifyTracing, type FastifyTracingOptions } from '../src/frameworks/fastify.js';
import { tracing as honoTracing } from '../src/frameworks/hono.js';
import { tracing as koaTracing } from '../src/frameworks/koa.js';
import { OptionsError, createTracer, memorySink, type HttpServerOptions, type Tracer } from '../src/index.js';

const misspelt = { jion: false } as unknown as HttpServerOptions;

function namesJoin(error: unknown): boolean {
  assert.ok(error instanceof OptionsError, `an OptionsError, got ${String(error)}`);
  assert.match(error.message, /"jion": did you mean "join"\?/);
  return true;
}

const middlewares: Record<string, (tracer: Tracer, options?: HttpServerOptions) => unknown> = {
  express: expressTracing,
  koa: koaTracing,
  hono: honoTracing,
};

for (const [framework, tracing] of Object.entries(middlewares)) {
  test(`${framework}: a misspelt option throws an OptionsError at once, naming the option it meant`, () => {
    const tracer = createTracer({ serviceName: 'object-server', sink: memorySink() });
    assert.throws(() => tracing(tracer, misspelt), namesJoin);
    assert.throws(() => tracing(tracer, { name: '' }), (error) => error instanceof OptionsError && /name: expected a non-empty string/.test(error.message));
    assert.throws(() => tracing(undefined as unknown as Tracer), TypeError);
  });
}

test('fastify: a misspelt option, or no tracer, fails the registration with an OptionsError, so ready() rejects', async () => {
  const tracer = createTracer({ serviceName: 'object-server', sink: memorySink() });
  const app = Fastify();
  void app.register(fastifyTracing, { tracer, ...misspelt });
  await assert.rejects(async () => void (await app.ready()), namesJoin);

  const without = Fastify();
  void without.register(fastifyTracing, {} as FastifyTracingOptions);
  await assert.rejects(async () => void (await without.ready()), (error: unknown) => error instanceof OptionsError && /tracer: expected a tracer from createTracer/.test(error.message));
});
