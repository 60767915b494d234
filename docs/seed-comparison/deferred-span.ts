// The seed scenario traced with deferred-span: a storage proxy answers GET /object by reading its 4
// erasure-coded fragments (3 data, 1 parity) concurrently from 4 object servers. Object server 3
// fails its read, so one CLIENT span shows the error; any 3 fragments rebuild the object.
// Lines marked `// tracing` exist only for tracing or are written differently for it (count-lines.mjs counts them).
//
//   node --import tsx docs/seed-comparison/deferred-span.ts [http://localhost:9411/api/v2/spans]
//
// Spans go to the Zipkin URL given, or are printed as JSON lines when none is.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { consoleSink, createTracer, zipkinHttpSink } from '../../src/index.js'; // tracing

const zipkinUrl = process.argv[2]; // tracing
const sink = () => (zipkinUrl ? zipkinHttpSink({ url: zipkinUrl }) : consoleSink()); // tracing
const proxyTracer = createTracer({ serviceName: 'proxy', sink: sink() }); // tracing
const objectTracer = createTracer({ serviceName: 'object-server', sink: sink() }); // tracing

const FAILING = 2;

// An object server: its SERVER span joins the proxy's CLIENT span (Zipkin's shared span).
function objectServer(index: number): Server {
  return createServer(objectTracer.httpHandler((_span, _req, res) => { // tracing
    if (index === FAILING) return res.writeHead(503).end('disk read error');
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(1024, index));
  }));
}

// The proxy: one CLIENT span per fragment, all four siblings under this request's SERVER span.
function proxy(objectPorts: number[]): Server {
  return createServer(proxyTracer.httpHandler(async (span, _req, res) => { // tracing
    const fragments = await Promise.all(objectPorts.map(async (port) => {
      const response = await span.fetch(`http://127.0.0.1:${port}/fragment`); // tracing
      const body = Buffer.from(await response.arrayBuffer());
      return response.ok ? body : undefined;
    }));
    const have = fragments.filter((f) => f !== undefined).length;
    res.writeHead(have >= 3 ? 200 : 503).end(`${have} of 4 fragments read`);
  }));
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

const objectServers = [0, 1, 2, 3].map(objectServer);
const objectPorts = await Promise.all(objectServers.map(listen));
const proxyServer = proxy(objectPorts);
const response = await fetch(`http://127.0.0.1:${await listen(proxyServer)}/object`);
console.error(`GET /object: ${response.status} ${await response.text()}`);
await Promise.all([proxyServer, ...objectServers].map((server) => new Promise((done) => server.close(done))));
// Nothing to flush by hand: every tracer delivers its last spans when the process ends on its own.
