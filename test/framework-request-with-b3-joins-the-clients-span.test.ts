// A request carrying the client's B3 IDs is recorded, in every framework adapter, as the server half
// of the client's span (Zipkin's shared span), named after the route the framework matched.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import express from 'express';
import { tracing as expressTracing } from '../src/frameworks/express.js';
import { createTracer, memorySink } from '../src/index.js';
import { frameworks, spans, serve } from './helpers/frameworks.js';

for (const [framework, start] of Object.entries(frameworks)) {
  test(`${framework}: a request with B3 headers is recorded as the server half of the client's span, named GET /objects/:id, with its route, status 200 and the client's address`, async () => {
    const clientSink = memorySink();
    const client = createTracer({ serviceName: 'proxy', sink: clientSink });
    const sink = memorySink();
    const tracer = createTracer({ serviceName: 'object-server', sink });
    let clientPort: number | undefined;
    const app = await start(tracer, async (_span, req) => {
      clientPort = req.socket.remotePort;
      return 'object 7';
    });
    try {
      const res = await client.fetch(`${app.url}/objects/7?part=1`);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), 'object 7');
    } finally {
      await app.close();
    }
    await client.flush();
    assert.equal(clientSink.spans.length, 1);
    const clientSpan = clientSink.spans[0]!;
    const [server, ...more] = await spans(tracer, sink, 1);
    assert.deepEqual(more, []);
    assert.equal(server!.kind, 'SERVER');
    assert.equal(server!.traceId, clientSpan.traceId);
    assert.equal(server!.id, clientSpan.id);
    assert.equal(server!.parentId, undefined, 'the client span is a root, so its server half is too');
    assert.equal(server!.shared, true);
    assert.equal(server!.name, 'GET /objects/:id');
    assert.equal(server!.localEndpoint?.serviceName, 'object-server');
    assert.deepEqual(server!.remoteEndpoint, { ipv4: '127.0.0.1', port: clientPort });
    assert.deepEqual(server!.tags, {
      'http.method': 'GET',
      'http.path': '/objects/7',
      'http.route': '/objects/:id',
      'http.status_code': '200',
    });
  });
}

test('express: a route of a router mounted at /objects is named by the whole template', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'object-server', sink });
  const app = express();
  app.use(expressTracing(tracer));
  const objects = express.Router();
  objects.get('/:id', (_req, res) => void res.send('object 7'));
  objects.get('/', (_req, res) => void res.send('all objects'));
  app.use('/objects', objects);
  const server = await serve(http.createServer(app));
  try {
    for (const path of ['/objects/7', '/objects']) assert.equal((await fetch(`${server.url}${path}`)).status, 200);
  } finally {
    await server.close();
  }
  const names = (await spans(tracer, sink, 2)).map((s) => [s.name, s.tags?.['http.route']]).sort();
  assert.deepEqual(names, [['GET /objects', '/objects'], ['GET /objects/:id', '/objects/:id']]);
});
