// The CPU that tracing adds to one loopback HTTP request, client side and server side.
//   node --import tsx benchmarks/http-instrumentation.mjs [--quick] [--rounds=15] [--requests=2000] [--concurrency=16] [--warmup=4000] [--body-bytes=64]
// (--quick: 7 rounds × 300 requests after 2,000 warm-up requests.)
//
// Every alternative runs in a process of its own (OpenTelemetry's instrumentations patch globally,
// and AsyncLocalStorage slows every promise of the process it is in), all of them alive at once and
// idle but for their turn: each round asks each in turn (the order rotating round by round) for one
// sample, the process CPU (`process.cpuUsage()`, user + system) it spent on N requests, span
// delivery (flushed inside the window) included. The other end of each request is another process,
// so its CPU is not counted: a loopback server for the client side, a load generator for the server
// side. A figure is the median over rounds of the per-round difference from the bare request of the
// same round. Every sample counts the spans that arrived (exactly N, each with the expected parent,
// or none for the untraced alternatives), and the last encoded batch of each is parsed and checked
// for what it must record. Prints one JSON line.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serve, spawnChild } from './child-ipc.mjs';

const self = fileURLToPath(import.meta.url);
const require = createRequire(import.meta.url);
const { values: args } = parseArgs({
  options: {
    role: { type: 'string', default: 'main' },
    alt: { type: 'string' },
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    requests: { type: 'string' },
    concurrency: { type: 'string', default: '16' },
    warmup: { type: 'string' },
    'body-bytes': { type: 'string', default: '64' },
  },
});
const BODY = Buffer.alloc(Number(args['body-bytes']), 'x');
const SERVICE = 'bench';

const cpuMicros = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

// ---- child-process plumbing ------------------------------------------------------------------

/** A child of this script in `role` (benchmarks/child-ipc.mjs). */
function child(role, alt) {
  return spawnChild(self, [`--role=${role}`, ...(alt ? [`--alt=${alt}`] : []), `--body-bytes=${BODY.length}`], { name: `${role} ${alt ?? ''}` });
}

/** N calls of `one()`, `concurrency` in flight at a time (each worker sequential). */
async function drive(one, n, concurrency) {
  let issued = 0;
  const worker = async () => {
    while (issued < n) {
      issued++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
}

/** Waits (a bounded while) until `ready()`; spans may still be on their way. */
async function until(ready, flush) {
  for (let i = 0; i < 200 && !ready(); i++) {
    await flush();
    if (!ready()) await new Promise((r) => setTimeout(r, i < 20 ? 0 : 5));
  }
}

// ---- the loopback server the client side talks to (and the load generator) -------------------

function listen(server) {
  // Keep-alive for as long as the run lasts: idle alternatives must not lose their connections.
  server.keepAliveTimeout = 600_000;
  server.headersTimeout = 610_000;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

function respond(req, res) {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': BODY.length });
  res.end(BODY);
}

async function originRole() {
  const http = await import('node:http');
  const port = await listen(http.createServer(respond));
  serve(async () => ({ port }));
}

/** The load generator of the server side: requests with B3 headers, as a traced client sends them. */
async function loadRole() {
  serve(async ({ port, n, concurrency, traceId }) => {
    const url = `http://127.0.0.1:${port}/objects/7`;
    let k = 0;
    await drive(async () => {
      const spanId = (0x1000000000000 + ++k).toString(16).padStart(16, '0');
      const res = await fetch(url, { headers: { 'x-b3-traceid': traceId, 'x-b3-spanid': spanId, 'x-b3-parentspanid': traceId.slice(16), 'x-b3-sampled': '1' } });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`status ${res.status}`);
    }, n, concurrency);
    return {};
  });
}

// ---- client-side alternatives -----------------------------------------------------------------

/** Counts the spans that arrive and the ones with the wrong parent or kind; keeps the last encoded batch. */
class Tally {
  spans = 0;
  wrong = 0;
  lastBody = '';
}

function otelCommon() {
  const { context, propagation } = require('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
  const { B3Propagator, B3InjectEncoding } = require('@opentelemetry/propagator-b3');
  const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
  const { toZipkinSpan } = require('@opentelemetry/exporter-zipkin/build/src/transform.js');
  // As a Zipkin user sets it up: AsyncLocalStorage context, B3 headers, the Zipkin exporter's transform.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }));
  const tally = new Tally();
  let check = () => true;
  const exporter = {
    export(spans, done) {
      const body = JSON.stringify(spans.map((s) => toZipkinSpan(s, SERVICE, 'otel.status_code', 'error')));
      tally.lastBody = body;
      tally.spans += spans.length;
      for (let i = 0; i < spans.length; i++) if (!check(spans[i])) tally.wrong++;
      done({ code: 0 });
    },
    shutdown: async () => {},
  };
  // A queue big enough that nothing is dropped: drops would flatter it.
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 1_000_000, maxExportBatchSize: 1024 })] });
  return { tally, provider, setCheck: (f) => (check = f), flush: () => provider.forceFlush() };
}

/** Each client alternative: `one()` makes one request and reads its body; `flush()` delivers spans. */
async function clientAlternative(alt, url) {
  const plain = async () => {
    const res = await fetch(url);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`status ${res.status}`);
  };
  if (alt === 'bare' || alt === 'bareAgain') return { tally: new Tally(), one: plain, flush: async () => {}, expectSpans: false };
  if (alt === 'bareAfterTrace') {
    // One traced request, finished: a second later deferred-span's wire subscription is idle (unsubscribed).
    const { createTracer } = await import('../src/index.ts');
    const { wireSubscribed } = await import('../src/http/wire.ts');
    let got = 0;
    const tracer = createTracer({ serviceName: SERVICE, sink: { write: (b) => void (got += b.length) }, warnings: false });
    const root = tracer.startSpan('root');
    const res = await root.fetch(url);
    await res.arrayBuffer();
    await until(() => got === 1, () => tracer.flush());
    if (got !== 1) throw new Error(`the traced request recorded ${got} spans`);
    const deadline = Date.now() + 5000;
    while (wireSubscribed() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    if (wireSubscribed()) throw new Error('the wire subscription is still active 5 s after the traced request ended');
    return { tally: new Tally(), one: plain, flush: async () => {}, expectSpans: false, after: () => wireSubscribed() && 'the wire subscription became active' };
  }
  if (alt === 'deferred') {
    const { createTracer, encodeSpansBytes } = await import('../src/index.ts');
    const tally = new Tally();
    let rootId = '';
    const sink = {
      write(batch) {
        const body = encodeSpansBytes(batch);
        tally.lastBody = body;
        tally.spans += batch.length;
        for (let i = 0; i < batch.length; i++) if (batch[i].parentId !== rootId || batch[i].kind !== 'CLIENT') tally.wrong++;
      },
    };
    const tracer = createTracer({ serviceName: SERVICE, sink, warnings: false });
    const root = tracer.startSpan('root');
    rootId = root.context.spanId;
    const one = async () => {
      const res = await root.fetch(url);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`status ${res.status}`);
    };
    const checkLast = (s) => s.kind === 'CLIENT' && s.parentId === rootId && s.tags?.['http.status_code'] === '200' && ['ws', 'wr'].every((v) => s.annotations?.some((a) => a.value === v));
    return { tally, one, flush: () => tracer.flush(), expectSpans: true, checkLast, stats: () => tracer.stats() };
  }
  if (alt === 'otel') {
    const { context, trace, ROOT_CONTEXT, SpanKind } = require('@opentelemetry/api');
    const o = otelCommon();
    const { UndiciInstrumentation } = require('@opentelemetry/instrumentation-undici');
    const instrumentation = new UndiciInstrumentation();
    instrumentation.setTracerProvider(o.provider);
    instrumentation.enable();
    const tracer = o.provider.getTracer('bench');
    const root = tracer.startSpan('root');
    const rootId = root.spanContext().spanId;
    o.setCheck((s) => s.kind === SpanKind.CLIENT && s.parentSpanContext?.spanId === rootId);
    // The parent active, as in a request handler of the seed's proxy.
    const active = trace.setSpan(ROOT_CONTEXT, root);
    const checkLast = (s) => s.kind === 'CLIENT' && s.parentId === rootId && s.tags?.['http.response.status_code'] === '200';
    return { tally: o.tally, one: plain, around: (fn) => context.with(active, fn), flush: o.flush, expectSpans: true, checkLast };
  }
  if (alt === 'zipkin') {
    const zipkin = require('zipkin');
    const wrapFetch = require('zipkin-instrumentation-fetch');
    const tally = new Tally();
    let rootId = '';
    // A logger that batches like HttpLogger (JSON v2, per turn or 1024 spans) and discards.
    let queue = [];
    let scheduled = false;
    const flushQueue = () => {
      scheduled = false;
      if (queue.length === 0) return;
      tally.lastBody = '[' + queue.join(',') + ']';
      queue = [];
    };
    const logger = {
      logSpan(span) {
        tally.spans++;
        if (span.parentId !== rootId || span.kind !== 'CLIENT') tally.wrong++;
        queue.push(zipkin.jsonEncoder.JSON_V2.encode(span));
        if (queue.length >= 1024) flushQueue();
        else if (!scheduled) {
          scheduled = true;
          setImmediate(flushQueue);
        }
      },
    };
    const tracer = new zipkin.Tracer({ ctxImpl: new zipkin.ExplicitContext(), recorder: new zipkin.BatchRecorder({ logger }), localServiceName: SERVICE, traceId128Bit: true });
    const rootTraceId = tracer.createRootId();
    rootId = rootTraceId.spanId;
    const zipkinFetch = wrapFetch(fetch, { tracer, serviceName: SERVICE, remoteServiceName: 'origin' });
    // ExplicitContext: the parent set around each call, as the caller must.
    const one = () =>
      tracer.letId(rootTraceId, async () => {
        const res = await zipkinFetch(url);
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`status ${res.status}`);
      });
    const checkLast = (s) => s.kind === 'CLIENT' && s.parentId === rootId && s.tags?.['http.status_code'] === '200';
    return { tally, one, flush: async () => flushQueue(), expectSpans: true, checkLast };
  }
  throw new Error(`unknown client alternative ${alt}`);
}

async function clientRole() {
  let a;
  serve(async (m) => {
    if (m.cmd === 'init') {
      a = await clientAlternative(args.alt, m.url);
      return {};
    }
    // One sample: connections opened first (outside the window), then N requests measured.
    const run = (fn) => (a.around ? a.around(fn) : fn());
    await run(() => drive(a.one, m.concurrency, m.concurrency));
    await a.flush();
    a.tally.spans = 0;
    a.tally.wrong = 0;
    const expected = a.expectSpans ? m.n : 0;
    const c0 = cpuMicros();
    await run(() => drive(a.one, m.n, m.concurrency));
    await until(() => a.tally.spans >= expected, a.flush);
    const c1 = cpuMicros();
    return finishSample(a, expected, m.n, c1 - c0);
  });
}

/** Checks a sample's spans; its CPU in ns per request. */
function finishSample(a, expected, n, micros) {
  const t = a.tally;
  if (t.spans !== expected || t.wrong !== 0) throw new Error(`${args.alt}: ${t.spans} spans (expected ${expected}), ${t.wrong} with the wrong parent or kind`);
  const problem = a.after?.();
  if (problem) throw new Error(`${args.alt}: ${problem}`);
  let recorded;
  if (a.checkLast) {
    const spans = JSON.parse(typeof t.lastBody === 'string' ? t.lastBody : Buffer.from(t.lastBody).toString('utf8'));
    const last = spans.at(-1);
    if (!spans.every(a.checkLast)) throw new Error(`${args.alt}: a span of the last batch lacks what it must record: ${JSON.stringify(spans.find((s) => !a.checkLast(s)))}`);
    recorded = { kind: last.kind, tags: Object.keys(last.tags ?? {}), annotations: (last.annotations ?? []).map((x) => x.value), bytes: JSON.stringify(last).length };
  }
  const stats = a.stats?.();
  if (stats) {
    const d = stats.dropped;
    if (d.queueFull + d.rejected + d.expired + d.sinkFailed !== 0) throw new Error(`${args.alt}: dropped ${JSON.stringify(d)}`);
  }
  return { ns: (micros * 1000) / n, spans: t.spans, recorded };
}

// ---- server-side alternatives -----------------------------------------------------------------

async function serverRole() {
  const alt = args.alt;
  let tally = new Tally();
  let expectTrace = '';
  let flush = async () => {};
  let checkLast;
  let stats;
  let handler = respond;
  if (alt === 'deferred') {
    const { createTracer, encodeSpansBytes } = await import('../src/index.ts');
    const sink = {
      write(batch) {
        const body = encodeSpansBytes(batch);
        tally.lastBody = body;
        tally.spans += batch.length;
        for (let i = 0; i < batch.length; i++) if (batch[i].traceId !== expectTrace || batch[i].kind !== 'SERVER') tally.wrong++;
      },
    };
    const tracer = createTracer({ serviceName: SERVICE, sink, warnings: false });
    handler = tracer.httpHandler((span, req, res) => respond(req, res));
    flush = () => tracer.flush();
    stats = () => tracer.stats();
    // Joined the client's span (shared), status tagged.
    checkLast = (s) => s.kind === 'SERVER' && s.traceId === expectTrace && s.shared === true && s.tags?.['http.status_code'] === '200';
  } else if (alt === 'otel') {
    const { SpanKind } = require('@opentelemetry/api');
    const o = otelCommon();
    const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
    const instrumentation = new HttpInstrumentation();
    instrumentation.setTracerProvider(o.provider);
    instrumentation.enable();
    o.setCheck((s) => s.kind === SpanKind.SERVER && s.spanContext().traceId === expectTrace && s.parentSpanContext?.isRemote === true);
    tally = o.tally;
    flush = o.flush;
    checkLast = (s) => s.kind === 'SERVER' && s.traceId === expectTrace && s.tags?.['http.response.status_code'] === '200';
  } else if (alt !== 'bare') {
    throw new Error(`unknown server alternative ${alt}`);
  }
  // Required now, after the instrumentation is enabled: the patched module.
  const http = require('node:http');
  const port = await listen(http.createServer(handler));
  let c0 = 0;
  const a = { tally, checkLast, stats };
  serve(async (m) => {
    if (m.cmd === 'init') return { port };
    if (m.cmd === 'begin') {
      // The spans of the connection-opening burst delivered first, outside the window.
      await until(() => tally.spans >= (alt === 'bare' ? 0 : m.pending), flush);
      tally.spans = 0;
      tally.wrong = 0;
      expectTrace = m.traceId;
      c0 = cpuMicros();
      return {};
    }
    // 'end': the spans of the sample delivered, inside the window.
    const expected = alt === 'bare' ? 0 : m.n;
    await until(() => tally.spans >= expected, flush);
    const c1 = cpuMicros();
    const out = finishSample(a, expected, m.n, c1 - c0);
    tally.spans = 0;
    return out;
  });
}

// ---- the run ----------------------------------------------------------------------------------

const CLIENT = {
  bare: 'bare fetch',
  bareAgain: 'bare fetch again (noise control)',
  bareAfterTrace: 'bare fetch, wire subscription idle after a traced request',
  deferred: 'deferred-span span.fetch',
  otel: 'OpenTelemetry instrumentation-undici',
  zipkin: 'zipkin-instrumentation-fetch',
};
const SERVER = {
  bare: 'bare http.createServer handler',
  deferred: 'deferred-span tracer.httpHandler',
  otel: 'OpenTelemetry instrumentation-http',
};

async function main() {
  const { median, medianInterval } = await import('./stats.mjs');
  const rounds = Number(args.rounds ?? (args.quick ? 7 : 15));
  const n = Number(args.requests ?? (args.quick ? 300 : 2000));
  const warmup = Number(args.warmup ?? (args.quick ? 2000 : 4000));
  const concurrency = Number(args.concurrency);
  const shapes = { sequential: 1, [`${concurrency} concurrent`]: concurrency };
  const children = [];
  const start = (role, alt) => {
    const c = child(role, alt);
    children.push(c);
    return c;
  };
  try {
    const origin = start('origin');
    const load = start('load');
    const { port: originPort } = await origin.ask({ cmd: 'init' });
    const url = `http://127.0.0.1:${originPort}/objects/7`;
    const clients = Object.fromEntries(Object.keys(CLIENT).map((k) => [k, start('client', k)]));
    const servers = Object.fromEntries(Object.keys(SERVER).map((k) => [k, start('server', k)]));
    await Promise.all(Object.values(clients).map((c) => c.ask({ cmd: 'init', url })));
    const ports = Object.fromEntries(await Promise.all(Object.entries(servers).map(async ([k, c]) => [k, (await c.ask({ cmd: 'init' })).port])));
    await load.ask({ port: originPort, n: 1, concurrency: 1, traceId: '1'.repeat(32) });

    const recorded = { client: {}, server: {} };
    const spanCounts = { client: {}, server: {} };
    const clientSample = async (k, shapeConc, count) => {
      const r = await clients[k].ask({ cmd: 'sample', n: count, concurrency: shapeConc });
      if (r.recorded) recorded.client[CLIENT[k]] = r.recorded;
      spanCounts.client[CLIENT[k]] = (spanCounts.client[CLIENT[k]] ?? 0) + r.spans;
      return r.ns;
    };
    const serverSample = async (k, shapeConc, count) => {
      const traceId = randomBytes(16).toString('hex');
      // The load generator's connections opened first (outside the window), as on the client side.
      await load.ask({ port: ports[k], n: shapeConc, concurrency: shapeConc, traceId });
      await servers[k].ask({ cmd: 'begin', traceId, pending: shapeConc });
      await load.ask({ port: ports[k], n: count, concurrency: shapeConc, traceId });
      const r = await servers[k].ask({ cmd: 'end', n: count });
      if (r.recorded) recorded.server[SERVER[k]] = r.recorded;
      spanCounts.server[SERVER[k]] = (spanCounts.server[SERVER[k]] ?? 0) + r.spans;
      return r.ns;
    };
    // Alternatives alternate sample by sample, the order rotating each round.
    const cells = [];
    for (const [side, names, sample] of [['client', CLIENT, clientSample], ['server', SERVER, serverSample]]) {
      for (const [shape, conc] of Object.entries(shapes)) {
        const keys = Object.keys(names);
        process.stderr.write(`http-instrumentation: ${side}, ${shape}\n`);
        // Warm-up (JIT, connections), interleaved too; the server side's opens the load generator's connections.
        for (let done = 0; done < warmup; done += n) for (const k of keys) await sample(k, conc, Math.min(n, warmup - done));
        const samples = Object.fromEntries(keys.map((k) => [names[k], []]));
        for (let r = 0; r < rounds; r++) {
          for (let j = 0; j < keys.length; j++) {
            const k = keys[(j + r) % keys.length];
            samples[names[k]].push(await sample(k, conc, n));
          }
        }
        cells.push({ side, shape, concurrency: conc, baseline: names.bare, samples });
      }
    }

    // The figures: per-round paired differences from the bare request, their medians.
    const ours = { client: CLIENT.deferred, server: SERVER.deferred };
    const figures = cells.map((c) => {
      const base = c.samples[c.baseline];
      const diff = (name) => c.samples[name].map((v, i) => v - base[i]);
      const alternatives = {};
      for (const name of Object.keys(c.samples)) {
        if (name === c.baseline) continue;
        const d = diff(name);
        const dOurs = diff(ours[c.side]);
        alternatives[name] = {
          addedNs: median(d),
          addedNsInterval: medianInterval(d),
          ratioToOurs: name === ours[c.side] ? 1 : median(d.map((v, i) => v / dOurs[i])),
          percentOfBare: median(d.map((v, i) => (100 * v) / base[i])),
        };
      }
      return { side: c.side, shape: c.shape, bareNs: median(base), alternatives };
    });
    const result = {
      rounds,
      requestsPerSample: n,
      warmupRequests: warmup,
      concurrency,
      bodyBytes: BODY.length,
      alternatives: { client: CLIENT, server: SERVER },
      figures,
      spanCounts,
      recorded,
      cells,
    };
    process.stdout.write(JSON.stringify(result) + '\n');
  } finally {
    for (const c of children) c.stop();
  }
}

const ROLES = { main, origin: originRole, load: loadRole, client: clientRole, server: serverRole };
if (!(args.role in ROLES)) throw new Error(`unknown role ${args.role}`);
await ROLES[args.role]();
