// The seed scenario traced with zipkin-js: a storage proxy answers GET /object by reading its 4
// erasure-coded fragments (3 data, 1 parity) concurrently from 4 object servers. Object server 3
// fails its read, so one CLIENT span shows the error; any 3 fragments rebuild the object.
// Lines marked `// tracing` exist only for tracing or are written differently for it (count-lines.mjs counts them).
//
//   node --import tsx docs/seed-comparison/zipkin-js.ts [http://localhost:9411/api/v2/spans]
//
// Spans go to the Zipkin URL given, or are printed as JSON lines when none is.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'; // tracing: 2 types for traced()
import type { AddressInfo } from 'node:net';
import { BatchRecorder, ExplicitContext, Instrumentation, jsonEncoder, option, Tracer, type model } from 'zipkin'; // tracing
// @ts-expect-error zipkin-instrumentation-fetch ships no type declarations // tracing
import wrapFetch from 'zipkin-instrumentation-fetch'; // tracing

// zipkin-transport-http (its HttpLogger) is not installed in this repo and zipkin has no HTTP
// logger of its own: this small logger stands in for it, sending every span in one POST at the end
// (or printing them when no URL is given). Its lines are counted apart in line-counts.md.
const zipkinUrl = process.argv[2]; // tracing
const encoded: string[] = []; // tracing, transport stand-in
const logger = { logSpan: (span: model.Span) => encoded.push(jsonEncoder.JSON_V2.encode(span)) }; // tracing, transport stand-in
const sendSpans = () => // tracing, transport stand-in
  zipkinUrl ? fetch(zipkinUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `[${encoded.join(',')}]` }) : console.log(encoded.join('\n')); // tracing, transport stand-in

const recorder = new BatchRecorder({ logger }); // tracing
// ExplicitContext, as zipkin-js's examples use: the current span is held only while code runs synchronously.
const proxyTracer = new Tracer({ ctxImpl: new ExplicitContext(), recorder, localServiceName: 'proxy' }); // tracing
const objectTracer = new Tracer({ ctxImpl: new ExplicitContext(), recorder, localServiceName: 'object-server' }); // tracing
const zipkinFetch = wrapFetch(fetch, { tracer: proxyTracer }); // tracing

// zipkin has no node:http server instrumentation: this does what zipkin-instrumentation-express does.
// The SERVER span joins the client's span (zipkin-js's default, Zipkin's shared span).
function traced(tracer: Tracer, handler: (req: IncomingMessage, res: ServerResponse) => unknown) { // tracing
  const instrumentation = new Instrumentation.HttpServer({ tracer, port: 0 }); // tracing
  return (req: IncomingMessage, res: ServerResponse) => tracer.scoped(() => { // tracing
    const readHeader = <T>(name: string) => option.fromNullable(req.headers[name.toLowerCase()] as T); // tracing
    const id = instrumentation.recordRequest(req.method ?? 'GET', `http://${req.headers.host}${req.url}`, readHeader); // tracing
    res.once('finish', () => tracer.scoped(() => instrumentation.recordResponse(id, String(res.statusCode)))); // tracing
    return handler(req, res); // tracing
  }); // tracing
} // tracing

const FAILING = 2;

function objectServer(index: number): Server {
  return createServer(traced(objectTracer, (_req, res) => { // tracing
    if (index === FAILING) return res.writeHead(503).end('disk read error');
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(1024, index));
  }));
}

// The proxy: one CLIENT span per fragment, each a child of whatever span ExplicitContext holds when
// zipkinFetch is called; here all four calls start before the handler's first await.
function proxy(objectPorts: number[]): Server {
  return createServer(traced(proxyTracer, async (_req, res) => { // tracing
    const fragments = await Promise.all(objectPorts.map(async (port) => {
      const response: Response = await zipkinFetch(`http://127.0.0.1:${port}/fragment`); // tracing
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
await sendSpans(); // tracing, transport stand-in
