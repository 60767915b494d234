// The seed scenario traced with OpenTelemetry: a storage proxy answers GET /object by reading its 4
// erasure-coded fragments (3 data, 1 parity) concurrently from 4 object servers. Object server 3
// fails its read, so one CLIENT span shows the error; any 3 fragments rebuild the object.
// Lines marked `// tracing` exist only for tracing or are written differently for it (count-lines.mjs counts them).
//
//   node --import tsx docs/seed-comparison/opentelemetry.ts [http://localhost:9411/api/v2/spans]
//
// Spans go to the Zipkin URL given, or are printed by ConsoleSpanExporter when none is.
import type { Server } from 'node:http'; // tracing: createServer is imported below, once patched
import { register } from 'node:module'; // tracing
import type { AddressInfo } from 'node:net';
import { context, propagation, trace } from '@opentelemetry/api'; // tracing
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'; // tracing
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin'; // tracing
import { registerInstrumentations } from '@opentelemetry/instrumentation'; // tracing
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http'; // tracing
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici'; // tracing
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3'; // tracing
import { resourceFromAttributes } from '@opentelemetry/resources'; // tracing
import { BasicTracerProvider, BatchSpanProcessor, ConsoleSpanExporter } from '@opentelemetry/sdk-trace-base'; // tracing

// ESM: the instrumentations patch modules through this loader hook (see the esm-support doc).
register('@opentelemetry/instrumentation/hook.mjs', import.meta.url); // tracing
const zipkinUrl = process.argv[2]; // tracing
const exporter = zipkinUrl ? new ZipkinExporter({ url: zipkinUrl }) : new ConsoleSpanExporter(); // tracing
// One service name per process: here the proxy and the object servers share it.
const resource = resourceFromAttributes({ 'service.name': 'storage' }); // tracing
const provider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] }); // tracing
trace.setGlobalTracerProvider(provider); // tracing
context.setGlobalContextManager(new AsyncLocalStorageContextManager()); // tracing
propagation.setGlobalPropagator(new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER })); // tracing
const undici = new UndiciInstrumentation({ responseHook: (span) => span.addEvent('wr') }); // tracing
registerInstrumentations({ instrumentations: [new HttpInstrumentation(), undici] }); // tracing

// Loaded after the hook and the instrumentations, so that they can patch it.
const { createServer } = await import('node:http'); // tracing

const FAILING = 2;

// An object server: OpenTelemetry has no shared span, so its SERVER span is a child of the CLIENT span.
function objectServer(index: number): Server {
  return createServer((_req, res) => {
    if (index === FAILING) return res.writeHead(503).end('disk read error');
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(1024, index));
  });
}

// The proxy: one CLIENT span per fragment, all four siblings under this request's SERVER span.
function proxy(objectPorts: number[]): Server {
  return createServer(async (_req, res) => {
    const fragments = await Promise.all(objectPorts.map(async (port) => {
      const response = await fetch(`http://127.0.0.1:${port}/fragment`);
      const body = Buffer.from(await response.arrayBuffer());
      return response.ok ? body : undefined;
    }));
    const have = fragments.filter((f) => f !== undefined).length;
    res.writeHead(have >= 3 ? 200 : 503).end(`${have} of 4 fragments read`);
  });
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
await provider.shutdown(); // tracing
