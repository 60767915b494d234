// The seed scenario through Kafka: a proxy fans a GET out to 4 object servers at once, every tracer
// sends through kafkaSink to the run's broker, Zipkin's Kafka collector consumes the topic, and the
// trace, the dependency links and the services are read back from Zipkin's API.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { TestContext } from 'node:test';
import { get, listen, stop } from './http.js';
import { THROUGH_KAFKA } from './kafka.js';
import { getDependencies, getServices, getTrace, uniqueServiceName, waitFor } from './zipkin.js';
import { createTracer, extractB3, type Tracer } from '../../src/index.js';
import { kafkaSink } from '../../src/deliver/kafka.js';

const FRAGMENTS = 4;

export async function seedThroughKafka(t: TestContext, bootstrap: string, encoding: 'json' | 'proto3'): Promise<void> {
  const proxyName = uniqueServiceName(`proxy-kafka-${encoding}`);
  const serverName = uniqueServiceName(`object-server-kafka-${encoding}`);
  const sink = () => kafkaSink({ brokers: [bootstrap], encoding, flushIntervalMillis: 50 });
  const agent = new http.Agent({ keepAlive: false });
  const proxyTracer = createTracer({ serviceName: proxyName, sink: sink(), localEndpoint: { ipv4: '127.0.0.1' } });
  const serverTracers: Tracer[] = [];

  // Every server holds its answer until all 4 requests have arrived: the reads really overlap.
  let arrivals = 0;
  let allArrived!: () => void;
  const arrived = new Promise<void>((resolve) => (allArrived = resolve));
  const objectServers = Array.from({ length: FRAGMENTS }, (_, i) =>
    http.createServer((req, res) => {
      const span = serverTracers[i]!.startSpan('get fragment', { kind: 'SERVER', parent: extractB3(req.headers), join: true });
      span.setRemoteEndpoint({ ipv4: '127.0.0.1', port: req.socket.remotePort! });
      if (++arrivals === FRAGMENTS) allArrived();
      void arrived.then(() => {
        span.tag('http.status_code', 200);
        span.end();
        res.end(`fragment-${i};`);
      });
    }),
  );
  const ports = await Promise.all(objectServers.map(listen));
  for (const port of ports) serverTracers.push(createTracer({ serviceName: serverName, sink: sink(), localEndpoint: { ipv4: '127.0.0.1', port } }));

  let traceId = '';
  const proxy = http.createServer((req, res) => {
    const root = proxyTracer.startSpan('get object', { kind: 'SERVER', parent: extractB3(req.headers) });
    traceId = root.context.traceId;
    const read = root.traced(
      async (span, port: number, i: number) => {
        span.setRemoteEndpoint({ serviceName: serverName, ipv4: '127.0.0.1', port });
        const { status, body } = await get(`http://127.0.0.1:${port}/fragments/${i}`, agent, span.b3Headers());
        span.tag('http.status_code', status);
        return body;
      },
      { name: 'get fragment', kind: 'CLIENT' },
    );
    void Promise.all(ports.map((port, i) => read(port, i))).then((fragments) => {
      root.end();
      res.end(fragments.join(''));
    });
  });
  const proxyPort = await listen(proxy);

  const since = Date.now();
  try {
    const { status, body } = await get(`http://127.0.0.1:${proxyPort}/objects/movie.mp4`, agent, {});
    assert.equal(status, 200);
    assert.equal(body, 'fragment-0;fragment-1;fragment-2;fragment-3;');
  } finally {
    await Promise.all([proxy, ...objectServers].map(stop));
    agent.destroy();
  }
  for (const tracer of [proxyTracer, ...serverTracers]) {
    const closed = await tracer.close({ timeoutMillis: 15_000 });
    assert.equal(closed.complete, true, JSON.stringify(tracer.stats()));
    assert.equal(tracer.stats().sent, tracer === proxyTracer ? 1 + FRAGMENTS : 1);
  }
  t.diagnostic(`trace ${traceId} (proxy ${proxyName}, servers ${serverName}), ${encoding} through ${bootstrap}`);

  const trace = await waitFor(() => getTrace(traceId), (spans) => spans.length >= 1 + 2 * FRAGMENTS, { timeoutMs: 20_000, description: `trace ${traceId}: ${THROUGH_KAFKA}` });
  assert.equal(trace.length, 1 + 2 * FRAGMENTS);
  const roots = trace.filter((s) => s.parentId === undefined);
  assert.equal(roots.length, 1);
  const root = roots[0]!;
  assert.equal(root.kind, 'SERVER');
  assert.equal(root.localEndpoint?.serviceName, proxyName);
  const clients = trace.filter((s) => s.kind === 'CLIENT');
  assert.equal(clients.length, FRAGMENTS);
  for (const c of clients) {
    assert.equal(c.parentId, root.id, 'each client span is a child of the proxy span');
    assert.equal(c.remoteEndpoint?.serviceName, serverName);
    assert.equal(c.tags?.['http.status_code'], '200');
    const halves = trace.filter((s) => s.id === c.id && s.kind === 'SERVER');
    assert.equal(halves.length, 1, `the server half of ${c.id}`);
    assert.equal(halves[0]!.shared, true);
    assert.equal(halves[0]!.parentId, root.id);
    assert.equal(halves[0]!.localEndpoint?.serviceName, serverName);
  }

  const links = await waitFor(
    () => getDependencies(Date.now(), Date.now() - since + 60_000),
    (all) => all.some((l) => l.parent === proxyName && l.child === serverName),
    { description: `dependency ${proxyName} -> ${serverName}` },
  );
  const mine = links.filter((l) => [l.parent, l.child].some((s) => s === proxyName || s === serverName));
  assert.deepEqual(mine.map((l) => ({ parent: l.parent, child: l.child, callCount: l.callCount })), [{ parent: proxyName, child: serverName, callCount: 4 }]);

  const services = await getServices();
  assert.ok(services.includes(proxyName), `${proxyName} is listed`);
  assert.ok(services.includes(serverName), `${serverName} is listed`);
}
