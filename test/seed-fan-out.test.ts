// The seed scenario: a proxy fans a GET of an erasure-coded object out to 4 object servers at
// once; the servers answer in a shuffled order. Every span must land in one trace, with the
// 4 client spans siblings under the proxy's span and each server span joined to its client's.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { get, listen, stop } from './helpers/http.js';
import { createTracer, extractB3, memorySink, type Span, type Tracer, type ZipkinSpan } from '../src/index.js';
import { assertZipkinSpan } from './helpers/zipkin-spec.js';

const FRAGMENTS = 4;

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const end = (s: ZipkinSpan): number => s.timestamp! + s.duration!;

async function runScenario(format: 'multi' | 'single', answerOrder: readonly number[]): Promise<void> {
  const agent = new http.Agent({ keepAlive: false });
  const proxySink = memorySink();
  const serverSink = memorySink();
  const proxyTracer = createTracer({ serviceName: 'proxy', sink: proxySink, localEndpoint: { ipv4: '127.0.0.1' } });
  const serverTracers: Tracer[] = [];

  // The object servers: each joins its client's span and answers only when the test opens its gate.
  const gates = Array.from({ length: FRAGMENTS }, deferred);
  const arrived = deferred();
  let arrivals = 0;
  const received: http.IncomingHttpHeaders[] = [];
  const objectServers = Array.from({ length: FRAGMENTS }, (_, i) =>
    http.createServer((req, res) => {
      const span = serverTracers[i]!.startSpan('get fragment', { kind: 'SERVER', parent: extractB3(req.headers), join: true });
      span.setRemoteEndpoint({ ipv4: req.socket.remoteAddress!, port: req.socket.remotePort! });
      received[i] = req.headers;
      if (++arrivals === FRAGMENTS) arrived.resolve();
      void gates[i]!.promise.then(() => {
        span.tag('http.status_code', 200);
        // Ended before the response is written: the client cannot see the answer earlier.
        span.end();
        res.end(`fragment-${i};`);
      });
    }),
  );
  const ports = await Promise.all(objectServers.map(listen));
  for (const port of ports) {
    serverTracers.push(createTracer({ serviceName: 'object-server', sink: serverSink, localEndpoint: { ipv4: '127.0.0.1', port } }));
  }

  // The test hears when each fragment's response headers arrive, to drive the answer order.
  const headersSeen = Array.from({ length: FRAGMENTS }, deferred);

  const proxy = http.createServer((req, res) => {
    const root = proxyTracer.startSpan('get object', { kind: 'SERVER', parent: extractB3(req.headers) });
    const reads = ports.map((port, i) =>
      root.traced(
        async (span: Span) => {
          const { status, body } = await get(`http://127.0.0.1:${port}/fragments/${i}`, agent, span.b3Headers(format), () => {
            span.annotate('Response headers received');
            headersSeen[i]!.resolve();
          });
          span.tag('http.status_code', status);
          return body;
        },
        { name: 'get fragment', kind: 'CLIENT', remoteEndpoint: { serviceName: 'object-server', ipv4: '127.0.0.1', port } },
      )(),
    );
    void Promise.all(reads).then(
      (fragments) => {
        root.end();
        res.end(fragments.join(''));
      },
      (error: unknown) => {
        root.fail(error);
        res.statusCode = 502;
        res.end();
      },
    );
  });
  const proxyPort = await listen(proxy);

  try {
    const response = get(`http://127.0.0.1:${proxyPort}/objects/movie.mp4`, agent, {});
    // All 4 requests are in flight at once before any server answers.
    await arrived.promise;
    // Each server answers only after the previous one's response reached the proxy.
    for (const i of answerOrder) {
      gates[i]!.resolve();
      await headersSeen[i]!.promise;
    }
    const { status, body } = await response;
    assert.equal(status, 200);
    assert.equal(body, 'fragment-0;fragment-1;fragment-2;fragment-3;');
    await proxyTracer.flush();
    for (const t of serverTracers) await t.flush();
  } finally {
    await Promise.all([proxy, ...objectServers].map(stop));
    agent.destroy();
    await proxyTracer.close();
    for (const t of serverTracers) await t.close();
  }

  // What went over the wire is the requested B3 format.
  for (const headers of received) {
    if (format === 'single') {
      assert.equal(typeof headers.b3, 'string');
      assert.equal(headers['x-b3-traceid'], undefined);
    } else {
      assert.equal(typeof headers['x-b3-traceid'], 'string');
      assert.equal(headers.b3, undefined);
    }
  }

  const all = [...proxySink.spans, ...serverSink.spans];
  for (const s of all) assertZipkinSpan(s);
  assert.equal(all.length, 1 + FRAGMENTS + FRAGMENTS);
  assert.equal(new Set(all.map((s) => s.traceId)).size, 1, 'one trace');

  const roots = proxySink.spans.filter((s) => s.parentId === undefined);
  assert.equal(roots.length, 1);
  const root = roots[0]!;
  assert.equal(root.kind, 'SERVER');
  assert.equal(root.name, 'get object');
  assert.deepEqual(root.localEndpoint, { serviceName: 'proxy', ipv4: '127.0.0.1' });

  const clients = proxySink.spans.filter((s) => s.kind === 'CLIENT');
  assert.equal(clients.length, FRAGMENTS);
  assert.equal(new Set([root.id, ...clients.map((c) => c.id)]).size, 1 + FRAGMENTS, 'each client span has its own ID');
  for (const c of clients) {
    assert.equal(c.parentId, root.id, 'every client span is a child of the root');
    assert.equal(c.name, 'get fragment');
    assert.equal(c.remoteEndpoint?.serviceName, 'object-server');
    assert.equal(c.remoteEndpoint?.ipv4, '127.0.0.1');
    assert.ok(ports.includes(c.remoteEndpoint.port!));
    assert.deepEqual(c.tags, { 'http.status_code': '200' });
    assert.equal(c.annotations?.length, 1);
    const a = c.annotations[0]!;
    assert.equal(a.value, 'Response headers received');
    assert.ok(a.timestamp >= c.timestamp! && a.timestamp <= end(c), 'the annotation is inside its span');
    assert.ok(c.timestamp! >= root.timestamp! && end(c) <= end(root), 'the client span is inside the root');
    assert.equal(c.shared, undefined);
  }

  const servers = serverSink.spans;
  assert.equal(servers.length, FRAGMENTS);
  for (const s of servers) {
    const port = s.localEndpoint!.port;
    const client = clients.find((c) => c.remoteEndpoint!.port === port);
    assert.ok(client, `a client span called the server on port ${port}`);
    assert.equal(s.kind, 'SERVER');
    assert.equal(s.shared, true);
    assert.equal(s.id, client.id, 'the server joined its own client span');
    assert.equal(s.parentId, client.parentId);
    assert.equal(s.traceId, client.traceId);
    assert.equal(s.localEndpoint!.serviceName, 'object-server');
    assert.equal(s.remoteEndpoint?.ipv4, '127.0.0.1');
    assert.ok(s.timestamp! >= client.timestamp! && end(s) <= end(client), 'the server span is inside its client span');
  }

  // The clients finished in the order the servers answered.
  const byEnd = [...clients].sort((x, y) => end(x) - end(y)).map((c) => ports.indexOf(c.remoteEndpoint!.port!));
  assert.deepEqual(byEnd, answerOrder);
}

test('a proxy fanning out to 4 object servers with multi-header B3 records one trace of 9 nested spans', async () => {
  await runScenario('multi', [2, 0, 3, 1]);
});

test('a proxy fanning out to 4 object servers with the single b3 header records one trace of 9 nested spans', async () => {
  await runScenario('single', [3, 1, 0, 2]);
});
