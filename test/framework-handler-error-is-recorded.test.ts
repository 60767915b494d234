// A handler that throws, in every framework adapter: the framework answers 500 as it does without
// tracing, and the server span is tagged error with the thrown error's message.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import express from 'express';
import { errorTracing, tracing as expressTracing } from '../src/frameworks/express.js';
import { createTracer, memorySink } from '../src/index.js';
import { frameworks, spans, serve } from './helpers/frameworks.js';

for (const [framework, start] of Object.entries(frameworks)) {
  test(`${framework}: a handler that throws is answered 500 by the framework and its span is tagged error with the message`, async () => {
    const sink = memorySink();
    const tracer = createTracer({ serviceName: 'object-server', sink });
    const app = await start(tracer, async () => {
      throw new Error('the disk is on fire');
    });
    try {
      const res = await fetch(`${app.url}/objects/7`);
      assert.equal(res.status, 500);
      await res.arrayBuffer();
    } finally {
      await app.close();
    }
    const [span, ...more] = await spans(tracer, sink, 1);
    assert.deepEqual(more, []);
    assert.equal(span!.name, 'GET /objects/:id');
    assert.equal(span!.tags?.['http.status_code'], '500');
    assert.equal(span!.tags?.error, 'the disk is on fire');
  });
}

test('express: without errorTracing, a thrown error is still tagged error, with the status express answered', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'object-server', sink });
  const app = express();
  app.set('env', 'test');
  app.use(expressTracing(tracer));
  app.get('/objects/:id', () => {
    throw new Error('the disk is on fire');
  });
  const server = await serve(http.createServer(app));
  try {
    assert.equal((await fetch(`${server.url}/objects/7`)).status, 500);
  } finally {
    await server.close();
  }
  const [span] = await spans(tracer, sink, 1);
  assert.equal(span!.tags?.['http.status_code'], '500');
  assert.equal(span!.tags?.error, '500');
});

test('express: errorTracing passes the error on, so an error handler after it still answers', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'object-server', sink });
  const app = express();
  app.use(expressTracing(tracer));
  app.get('/objects/:id', (_req, _res, next) => next(Object.assign(new Error('no such object'), { status: 404 })));
  app.use(errorTracing());
  app.use((error: Error & { status: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => void res.status(error.status).send(error.message));
  const server = await serve(http.createServer(app));
  try {
    const res = await fetch(`${server.url}/objects/7`);
    assert.equal(res.status, 404);
    assert.equal(await res.text(), 'no such object');
  } finally {
    await server.close();
  }
  const [span] = await spans(tracer, sink, 1);
  assert.equal(span!.tags?.['http.status_code'], '404');
  assert.equal(span!.tags?.error, 'no such object');
});

test('express: an error from a route of a mounted router is recorded under the whole template, though express has left the router when it answers', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'object-server', sink });
  const app = express();
  app.set('env', 'test');
  app.use(expressTracing(tracer));
  const objects = express.Router();
  objects.get('/:id', async () => {
    throw new Error('the disk is on fire');
  });
  app.use('/objects', objects);
  app.use(errorTracing());
  const server = await serve(http.createServer(app));
  try {
    assert.equal((await fetch(`${server.url}/objects/7`)).status, 500);
  } finally {
    await server.close();
  }
  const [span] = await spans(tracer, sink, 1);
  assert.equal(span!.name, 'GET /objects/:id');
  assert.equal(span!.tags?.['http.route'], '/objects/:id');
  assert.equal(span!.tags?.error, 'the disk is on fire');
});
