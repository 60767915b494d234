// The seed scenario, run by `npm start`: a storage proxy stores each object as 3 data fragments and
// 1 parity fragment on 4 object servers, and reads all 4 back concurrently on every GET. Servers are
// traced with `tracer.httpHandler`, the proxy's fan-out with `root.fetch` (one CLIENT span per
// fragment, siblings under the request's span); the object servers join those with shared SERVER
// spans. Spans go to the embedded default sink; the run ends by drawing one trace.
import { mkdirSync } from 'node:fs';
import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { createTracer, encodeNdjsonBytes, type Span, type SpanRecord, type TracerStats } from '../src/index.js';
import { readSpanFile } from '../src/read/span-file.js';
import { renderWaterfall } from '../src/read/waterfall.js';
import { fetchTrace } from '../src/read/zipkin-query.js';

const OBJECT_SERVERS = 4;
const PUTS = 5;
const GETS = 20;
const CLIENT_CONCURRENCY = 5;
const OBJECT_BYTES = 48 * 1024;
/** Object server 3 (index 2) fails its 7th GET, so one trace shows a fragment rebuilt from parity. */
const FAILING_SERVER = 2;
const FAILING_GET = 7;

// The spans of this run get a file of their own (so runs can be compared), unless the user chose one.
if (!process.env.DEFERRED_SPAN_FILE && !process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT) {
  const dir = join(tmpdir(), 'deferred-span');
  mkdirSync(dir, { recursive: true });
  process.env.DEFERRED_SPAN_FILE = join(dir, `seed-${new Date().toISOString().replace(/[:.]/g, '-')}.ndjson`);
}

// No sink given: both tracers use the embedded default (the NDJSON file, or Zipkin when configured).
const proxyTracer = createTracer({ serviceName: 'proxy', localEndpoint: { ipv4: '127.0.0.1' } });
const objectTracer = createTracer({ serviceName: 'object-server', localEndpoint: { ipv4: '127.0.0.1' } });

// keepAlive off for the test client: every socket closes after its response, so nothing is left open at the end.
const clientAgent = new Agent({ keepAlive: false });

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** A simulated disk: a few milliseconds, varying by object and server. */
function diskDelay(key: string, server: number): Promise<void> {
  let h = server * 7919;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) >>> 0;
  return new Promise((resolve) => setTimeout(resolve, 1 + (h % 6)));
}

function xor(parts: Buffer[]): Buffer {
  const out = Buffer.alloc(Math.max(...parts.map((p) => p.length)));
  for (const p of parts) for (let i = 0; i < p.length; i++) out[i]! ^= p[i]!;
  return out;
}

/** 3 data fragments and their parity: any 3 of the 4 rebuild the object. */
function encodeFragments(data: Buffer): Buffer[] {
  const size = Math.ceil(data.length / 3);
  const parts = [0, 1, 2].map((i) => {
    const part = Buffer.alloc(size);
    data.copy(part, 0, i * size, Math.min(data.length, (i + 1) * size));
    return part;
  });
  return [...parts, xor(parts)];
}

function decodeFragments(fragments: Array<Buffer | undefined>, length: number): Buffer {
  const missing = fragments.findIndex((f) => f === undefined);
  const data = fragments.slice(0, 3);
  if (missing >= 0 && missing < 3) data[missing] = xor(fragments.filter((f): f is Buffer => f !== undefined));
  return Buffer.concat(data as Buffer[]).subarray(0, length);
}

// ---- object servers ------------------------------------------------------------------------

function objectServer(index: number): Server {
  const store = new Map<string, Buffer>();
  let gets = 0;
  // One SERVER span per request, joining the proxy's CLIENT span (same IDs, `shared: true`) from
  // its B3 headers, ended on the response's 'close' with its status.
  return createServer(objectTracer.httpHandler(async (span, req, res) => {
    span.tag('disk', `sd${index + 1}`);
    const key = req.url ?? '/';
    if (req.method === 'PUT') {
      const body = await readBody(req);
      span.annotate('fragment received');
      await diskDelay(key, index);
      store.set(key, body);
      span.annotate('fragment synced');
      res.writeHead(201).end();
      return;
    }
    const nth = ++gets;
    await diskDelay(key, index);
    const fragment = store.get(key);
    if (index === FAILING_SERVER && nth === FAILING_GET) {
      span.tag('error', `disk sd${index + 1} read error`);
      res.writeHead(503, { 'content-type': 'text/plain' }).end(`disk sd${index + 1} read error`);
      return;
    }
    if (fragment === undefined) {
      res.writeHead(404).end();
      return;
    }
    span.annotate('fragment read');
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(fragment);
  }, { name: (req) => `${(req.method ?? 'GET').toLowerCase()} fragment` }));
}

// ---- proxy ---------------------------------------------------------------------------------

/**
 * One request to an object server: a CLIENT span, child of the request's root span, with the B3
 * headers, the status, `ws`/`wr` and the remote endpoint recorded by `root.fetch`.
 */
async function callObjectServer(root: Span, port: number, index: number, method: 'GET' | 'PUT', path: string, body?: Buffer): Promise<Buffer> {
  const res = await root.fetch(`http://127.0.0.1:${port}${path}`, { method, ...(body !== undefined && { body }) }, {
    name: `${method.toLowerCase()} fragment`,
    remoteServiceName: 'object-server',
    tags: { fragment: index },
  });
  const answer = Buffer.from(await res.arrayBuffer());
  if (res.status >= 400) throw new Error(`object server ${index + 1} answered ${res.status}: ${answer.toString('utf8')}`);
  return answer;
}

interface ProxyState {
  rebuilt: number;
  /** The trace of a GET that lost a fragment, to draw at the end. */
  interestingTrace: string | undefined;
  lastGetTrace: string | undefined;
}

function proxyServer(objectPorts: number[], state: ProxyState): Server {
  const lengths = new Map<string, number>();
  return createServer(proxyTracer.httpHandler(async (root, req, res) => {
    const method = req.method === 'PUT' ? 'PUT' : 'GET';
    const path = req.url ?? '/';
    // Every call's span is a sibling under this request's root span: the parent is the span given.
    const fragmentCall = (port: number, index: number, body?: Buffer): Promise<Buffer> => callObjectServer(root, port, index, method, path, body);
    try {
      if (method === 'PUT') {
        const body = await readBody(req);
        const fragments = encodeFragments(body);
        root.annotate('object encoded');
        await Promise.all(objectPorts.map((port, index) => fragmentCall(port, index, fragments[index]!)));
        lengths.set(path, body.length);
        res.writeHead(201).end();
        return;
      }
      const length = lengths.get(path);
      if (length === undefined) {
        res.writeHead(404).end();
        return;
      }
      const settled = await Promise.allSettled(objectPorts.map((port, index) => fragmentCall(port, index)));
      const fragments = settled.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
      const have = fragments.filter((f) => f !== undefined).length;
      state.lastGetTrace = root.context.traceId;
      if (have < 3) {
        root.tag('error', `only ${have} of 4 fragments could be read`);
        res.writeHead(503).end();
        return;
      }
      if (have < 4) {
        state.rebuilt++;
        state.interestingTrace ??= root.context.traceId;
        root.annotate('fragment rebuilt from parity');
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(decodeFragments(fragments, length));
    } catch (error) {
      root.tag('error', error instanceof Error ? error.message : String(error));
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    }
  }, { name: (req) => `${req.method === 'PUT' ? 'put' : 'get'} object` }));
}

// ---- client --------------------------------------------------------------------------------

function clientRequest(port: number, method: string, path: string, body?: Buffer): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent: clientAgent }, (res) => {
      readBody(res).then((b) => resolve({ status: res.statusCode ?? 0, body: b }), reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function objectData(n: number): Buffer {
  const b = Buffer.alloc(OBJECT_BYTES);
  for (let i = 0; i < b.length; i++) b[i] = (i * 31 + n * 17) & 0xff;
  return b;
}

// ---- overhead ------------------------------------------------------------------------------

/**
 * CPU cost per call of `traced` over a bare async function, both awaited in a loop in this
 * process. CPU time (user + system), not wall time: other processes on the machine do not inflate
 * it. The traced spans are encoded to NDJSON as the file sink does, then discarded (no disk I/O).
 * Rounds alternate between the two; the figure is the difference of the medians.
 */
async function measureOverhead(calls: number, rounds: number): Promise<{ bareNs: number; tracedNs: number }> {
  const tracer = createTracer({
    serviceName: 'overhead',
    warnings: false,
    sink: {
      write(batch: SpanRecord[]) {
        encodeNdjsonBytes(batch);
      },
    },
  });
  const bare = async (x: number): Promise<number> => x + 1;
  const wrapped = tracer.traced(async (_span: Span, x: number) => x + 1, { name: 'step' });
  const time = async (fn: (x: number) => Promise<number>): Promise<number> => {
    const t0 = process.cpuUsage();
    for (let i = 0; i < calls; i++) await fn(i);
    const used = process.cpuUsage(t0);
    return ((used.user + used.system) * 1000) / calls;
  };
  await time(bare);
  await time(wrapped); // warm-up: let the JIT settle before measuring
  const b: number[] = [];
  const t: number[] = [];
  for (let r = 0; r < rounds; r++) {
    b.push(await time(bare));
    t.push(await time(wrapped));
  }
  await tracer.close();
  const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return { bareNs: median(b), tracedNs: median(t) };
}

// ---- run -----------------------------------------------------------------------------------

function dropped(s: TracerStats): number {
  return s.dropped.queueFull + s.dropped.rejected + s.dropped.expired + s.dropped.sinkFailed;
}

async function drawTrace(traceId: string, expected: number): Promise<string[]> {
  const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
  const width = process.stdout.isTTY === true && process.stdout.columns > 0 ? process.stdout.columns : 120;
  const file = (proxyTracer.sink as { path?: unknown }).path;
  if (typeof file === 'string') {
    const { spans, skipped } = await readSpanFile(file);
    const trace = spans.filter((s) => s.traceId === traceId);
    const note = skipped > 0 ? [`(${skipped} lines of ${file} were not valid spans and were skipped)`] : [];
    return [...note, ...renderWaterfall(trace, { width, color: colour })];
  }
  // Zipkin: read the trace back through its query API (it may take a moment to be indexed).
  const base = process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT ?? 'http://localhost:9411';
  const deadline = Date.now() + 5000;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const trace = await fetchTrace(base, traceId, { timeoutMillis: 2000 });
      if (trace !== undefined && trace.spans.length >= expected) return renderWaterfall(trace.spans, { width, color: colour });
    } catch (error) {
      lastError = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return [`(could not read trace ${traceId} back from Zipkin at ${base}${lastError ? `: ${lastError}` : ''}; look for it in Zipkin's UI)`];
}

async function main(): Promise<void> {
  const objectServers = Array.from({ length: OBJECT_SERVERS }, (_, i) => objectServer(i));
  const state: ProxyState = { rebuilt: 0, interestingTrace: undefined, lastGetTrace: undefined };
  let proxy: Server | undefined;
  let intact = 0;
  let failedRequests = 0;
  let cpuPerRequestUs: number | undefined;
  try {
    const objectPorts = await Promise.all(objectServers.map(listen));
    proxy = proxyServer(objectPorts, state);
    const proxyPort = await listen(proxy);
    console.log(`deferred-span seed: proxy on 127.0.0.1:${proxyPort}, object servers on ${objectPorts.map((p) => ':' + p).join(' ')}`);

    const cpu0 = process.cpuUsage();
    const limit = pLimit(CLIENT_CONCURRENCY);
    const originals = Array.from({ length: PUTS }, (_, n) => objectData(n));
    const puts = await Promise.all(originals.map((data, n) => limit(() => clientRequest(proxyPort, 'PUT', `/bucket/object-${n}`, data))));
    failedRequests += puts.filter((r) => r.status !== 201).length;
    const gets = await Promise.all(
      Array.from({ length: GETS }, (_, i) =>
        limit(async () => ({ ...(await clientRequest(proxyPort, 'GET', `/bucket/object-${i % PUTS}`)), n: i % PUTS })),
      ),
    );
    const cpu = process.cpuUsage(cpu0);
    cpuPerRequestUs = (cpu.user + cpu.system) / (PUTS + GETS);
    for (const r of gets) {
      if (r.status === 200 && r.body.equals(originals[r.n]!)) intact++;
      else failedRequests++;
    }
    console.log(
      `PUT ${PUTS} objects (3 data + 1 parity fragment each), then GET ${GETS}, ${CLIENT_CONCURRENCY} at a time: ` +
        `${intact} of ${GETS} intact, ${state.rebuilt} rebuilt from parity after an object server failed`,
    );
  } finally {
    // Servers first: their last spans end as their responses finish.
    await Promise.all([...objectServers.map(close), ...(proxy ? [close(proxy)] : [])]);
    clientAgent.destroy();
    await Promise.all([proxyTracer.close(), objectTracer.close()]);
  }

  const file = (proxyTracer.sink as { path?: unknown }).path;
  console.log(typeof file === 'string' ? `spans: ${file}` : `spans: sent to Zipkin (${process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT})`);
  if (typeof file === 'string') {
    console.log(`  draw another trace:  npx tsx src/cli/main.ts view ${file} --trace ID`);
    console.log(`  latency per span:    npx tsx src/cli/main.ts summary ${file}`);
  }
  const shown = state.interestingTrace ?? state.lastGetTrace;
  if (shown !== undefined) {
    console.log('');
    for (const line of await drawTrace(shown, 1 + 2 * OBJECT_SERVERS)) console.log(line);
    console.log('');
  }

  const CALLS = 20_000;
  const ROUNDS = 5;
  const { bareNs, tracedNs } = await measureOverhead(CALLS, ROUNDS);
  const perCallUs = Math.max(0, tracedNs - bareNs) / 1000;
  const spansPerGet = 1 + 2 * OBJECT_SERVERS;
  const p = proxyTracer.stats();
  const o = objectTracer.stats();
  const cpuPerRequest = cpuPerRequestUs!;
  console.log(
    `spans written: ${p.sent + o.sent} · dropped: ${dropped(p) + dropped(o)} · ` +
      `tracing overhead: ${perCallUs.toFixed(2)} µs CPU per traced call, ${((perCallUs * spansPerGet) / cpuPerRequest * 100).toFixed(1)}% of a request's CPU`,
  );
  console.log(
    `  (overhead: CPU time of an awaited traced call minus a bare one, ${(tracedNs / 1000).toFixed(2)} vs ${(bareNs / 1000).toFixed(2)} µs, ` +
      `median of ${ROUNDS} rounds × ${CALLS.toLocaleString('en-US')} calls, NDJSON encoding included; ` +
      `× ${spansPerGet} spans per request, against the ${Math.round(cpuPerRequest).toLocaleString('en-US')} µs of CPU this run spent per request; ` +
      `spans by service: proxy ${p.sent}, object-server ${o.sent})`,
  );
  if (failedRequests > 0) {
    console.error(`${failedRequests} client requests failed or returned corrupt data`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error('seed scenario failed:', error);
  process.exitCode = 1;
});
