// The seed scenario, end to end through a real Zipkin: a proxy fans a GET out to 4 object servers at
// once, each server joins its client's span, every tracer sends through the sink given, and the
// trace, the proxy -> object-server dependency link (callCount 4) and both services are read back
// from Zipkin's API. The HTTP sink's test and the Kafka sink's tests run the same scenario.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { TestContext } from 'node:test';
import { get, listen, stop } from './http.js';
import { createTracer, extractB3, type Sink, type Tracer } from '../../src/index.js';
import { getDependencies, getServices, getTrace, uniqueServiceName, waitFor } from './zipkin.js';

const FRAGMENTS = 4;

export interface SeedScenarioOptions {
  /** A new sink for each tracer (the proxy's and each object server's). */
  readonly sink: () => Sink;
  /** Added to the service names, so two runs of the scenario never share them. */
  readonly label: string;
  /** How the spans reach Zipkin, for messages (e.g. `through Kafka at host:port`). */
  readonly via?: string;
}

export async function seedScenarioReadsBackFromZipkin(t: TestContext, o: SeedScenarioOptions): Promise<void> {
  const proxyName = uniqueServiceName(`proxy${o.label}`);
  const serverName = uniqueServiceName(`object-server${o.label}`);
  const agent = new http.Agent({ keepAlive: false });
  const proxyTracer = createTracer({ serviceName: proxyName, sink: o.sink(), localEndpoint: { ipv4: '127.0.0.1' } });
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
  for (const port of ports) {
    serverTracers.push(createTracer({ serviceName: serverName, sink: o.sink(), localEndpoint: { ipv4: '127.0.0.1', port } }));
  }

  let traceId = '';
  const proxy = http.createServer((req, res) => {
    const root = proxyTracer.startSpan('get object', { kind: 'SERVER', parent: extractB3(req.headers) });
    traceId = root.context.traceId;
    const read = root.traced(
      async (span, port: number, i: number) => {
        span.setRemoteEndpoint({ serviceName: serverName, ipv4: '127.0.0.1', port });
        const { status, body } = await get(`http://127.0.0.1:${port}/fragments/${i}`, agent, span.b3Headers());
        span.annotate('Response headers received');
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
  t.diagnostic(`trace ${traceId} (proxy ${proxyName}, servers ${serverName})${o.via === undefined ? '' : `, ${o.via}`}`);

  const trace = await waitFor(() => getTrace(traceId), (spans) => spans.length >= 1 + 2 * FRAGMENTS, { timeoutMs: 20_000, description: `trace ${traceId}${o.via === undefined ? '' : `: ${o.via}`}` });
  assert.equal(trace.length, 1 + 2 * FRAGMENTS);
  const roots = trace.filter((s) => s.parentId === undefined);
  assert.equal(roots.length, 1);
  const root = roots[0]!;
  assert.equal(root.kind, 'SERVER');
  assert.equal(root.localEndpoint?.serviceName, proxyName);
  const clients = trace.filter((s) => s.kind === 'CLIENT');
  assert.equal(clients.length, FRAGMENTS);
  assert.equal(new Set(clients.map((c) => c.id)).size, FRAGMENTS);
  for (const c of clients) {
    assert.equal(c.parentId, root.id, 'each client span is a child of the proxy span');
    assert.equal(c.localEndpoint?.serviceName, proxyName);
    assert.equal(c.remoteEndpoint?.serviceName, serverName);
    assert.equal(c.shared, undefined);
    // The server half of the same span: same ID, same parent, marked shared.
    const halves = trace.filter((s) => s.id === c.id && s.kind === 'SERVER');
    assert.equal(halves.length, 1, `the server half of ${c.id}`);
    const server = halves[0]!;
    assert.equal(server.shared, true);
    assert.equal(server.parentId, root.id);
    assert.equal(server.localEndpoint?.serviceName, serverName);
    assert.equal(server.localEndpoint?.port, c.remoteEndpoint?.port);
  }

  const links = await waitFor(
    () => getDependencies(Date.now(), Date.now() - since + 60_000),
    (all) => all.some((l) => l.parent === proxyName && l.child === serverName),
    { description: `dependency ${proxyName} -> ${serverName}` },
  );
  const mine = links.filter((l) => l.parent === proxyName || l.child === proxyName || l.parent === serverName || l.child === serverName);
  assert.deepEqual(mine.map((l) => ({ parent: l.parent, child: l.child, callCount: l.callCount })), [{ parent: proxyName, child: serverName, callCount: 4 }]);

  const services = await getServices();
  assert.ok(services.includes(proxyName), `${proxyName} is listed`);
  assert.ok(services.includes(serverName), `${serverName} is listed`);
}
