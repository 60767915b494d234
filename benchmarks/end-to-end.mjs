// End to end: the CPU a traced call costs from the call until a collector has acknowledged its span,
// for deferred-span's zipkinHttpSink, a hand-written floor, OpenTelemetry and zipkin-js, all sending
// Zipkin JSON v2 to the same loopback collector; the offered rates each holds with nothing lost; and
// what each loses at its defaults. With --burst, instead: which queue and in-flight settings hold a
// burst into a real Zipkin, at what memory.
//   node --import tsx benchmarks/end-to-end.mjs [--quick] [--rounds=N] [--spans=N] [--rates=10000,50000,…] [--seconds=S]
//        [--shapes=plain,seed] [--sweep-shapes=plain] [--alternatives=floor,deferred,…] [--compare=<label>=<path of another src/index.ts>]…
//        [--zipkin-transport-http=<dir>] [--zipkin=<Zipkin base URL>] [--markdown]
//   node --import tsx benchmarks/end-to-end.mjs --burst --zipkin=<Zipkin base URL> [--repeats=3] [--shapes=plain,seed]
//        [--burst-spans=200000] [--burst-rate=1000000] [--markdown]
// Prints one line of JSON (runEndToEnd's or runBurst's result); --markdown prints endToEndMarkdown(result)
// or burstMarkdown(result) instead. In code: `runEndToEnd(options)` and `runBurst(options)` resolve to
// the same plain data (all four importable by plain `node`: the libraries load only in the child
// processes). --quick (about 40 s): 5 rounds × 30,000 spans, the sweep at 10k–200k spans/s for 1 s,
// plain spans only in the sweep. `--rates=` (empty) skips the sweep. --zipkin=<URL> (without --burst):
// the same to a real Zipkin, the collector relaying every body to it and counting only the spans it
// accepted; by default the floor, ours, OpenTelemetry and zipkin-js on plain and seed spans.
//
// Processes: the collector is a process of its own (it reads every body, counts the spans in it by
// their `"traceId":` keys, per URL path, and answers 202 with no body); every alternative (library ×
// span shape) runs in a process of its own, all alive at once and idle but for their turn; this
// process only coordinates. CPU is `process.cpuUsage()` (user + system) of the tracing process
// only, from before the first call until its last batch has been answered (its own flush, or its
// POSTs counted back), divided by the spans the collector acknowledged. Samples interleave: each
// round asks every alternative once, the order rotating round by round, and "÷ floor" is the median
// of each round's ratio to that round's floor sample (spread min–max).
//
// "Of which GC": the wall time of the process's garbage collections in the sample, per span.
//
// Alternatives, each with the library's defaults and with its queue raised:
//   floor            benchmarks/end-to-end-floor.mjs: two performance.now() reads, an ID from a pool, typed arrays,
//                    hand-written JSON, a bare http.request POST (plain and seed spans)
//   deferred         createTracer + zipkinHttpSink (raised: maxQueueSpans 2,000,000, maxQueueBytes 1 GiB)
//   deferredWire     zipkinHttpSink sending the seed span as JSON + gzip, proto3, proto3 + gzip, and JSON with
//                    spool.always (every batch written ahead to a spool in the temp directory) (the collector
//                    gunzips and counts proto3 spans by their ListOfSpans entries; bytes on the wire per span)
//   deferredBare     createTracer with a plain sink that POSTs encodeSpansBytes(batch) with a bare http.request (plain only)
//   otel             BasicTracerProvider + BatchSpanProcessor + @opentelemetry/exporter-zipkin (raised: maxQueueSize 2,000,000)
//   zipkinJs         zipkin-js Tracer + BatchRecorder + HttpLogger (zipkin-transport-http) with JSON_V2; its queue is
//                    unbounded, so there is no raised variant. Skipped (and said) when zipkin-transport-http is not installed.
//   floorLocal, deferredLocal   (opt-in, --alternatives) the same work with nothing sent: recording, encoding and,
//                    for deferred-span, the delivery engine, each batch answered on the next turn.
// Shapes: `plain` (a CLIENT call with nothing of its own) and `seed` (the seed's client span: remote
// endpoint IPv4 + port, `http.path` (a distinct path per span) and `http.status_code` tags, `ws` and
// `wr` annotations) and `tags10` (10 tags of its own, values of 30–100 characters). OpenTelemetry's Zipkin exporter has no remote endpoint: the address and port go
// as attributes (tags), and its resource attributes are tags on every span, as at its defaults.
// Before anything is timed, one small batch of every alternative is captured at the collector and
// checked for what it must hold.
//
// Losses: spans created less spans acknowledged at the collector; each library's own count beside
// it (deferred-span: tracer.stats().dropped; OpenTelemetry: failed export results and the drops
// its BatchSpanProcessor reports to its own metrics; zipkin-js counts none).
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { serve, spawnChild } from './child-ipc.mjs';
import { median, range } from './stats.mjs';

const self = fileURLToPath(import.meta.url);
const root = join(dirname(self), '..');
const SERVICE = 'bench';
const NAME = 'get fragment';
const RAISED_QUEUE = 2_000_000;

/** What each alternative is, for tables. */
export const END_TO_END_ALTERNATIVES = {
  floor: { label: 'hand-written floor', shapes: ['plain', 'seed'], configs: ['defaults'] },
  deferred: { label: 'deferred-span zipkinHttpSink', shapes: ['plain', 'seed', 'tags10'], configs: ['defaults', 'raised'] },
  deferredBare: { label: 'deferred-span, a bare http.request sink', shapes: ['plain'], configs: ['defaults'] },
  // The same sink with its wire formats (issue 17): gzip, proto3, both.
  deferredWire: { label: 'deferred-span zipkinHttpSink', shapes: ['seed'], configs: ['gzip', 'proto3', 'proto3Gzip', 'spoolAlways'] },
  otel: { label: 'OpenTelemetry BatchSpanProcessor + exporter-zipkin', shapes: ['plain', 'seed', 'tags10'], configs: ['defaults', 'raised'] },
  zipkinJs: { label: 'zipkin-js BatchRecorder + HttpLogger', shapes: ['plain', 'seed', 'tags10'], configs: ['defaults'] },
  // Components, opt-in (`alternatives`): the same work with nothing sent, each batch answered on the next turn.
  floorLocal: { label: 'hand-written floor, nothing sent', shapes: ['plain', 'seed'], configs: ['defaults'], local: true, optIn: true },
  deferredLocal: { label: 'deferred-span tracer + delivery engine + encodeSpansBytes, nothing sent', shapes: ['plain', 'seed'], configs: ['defaults'], local: true, optIn: true },
};

const CONFIG_LABEL = { defaults: 'defaults', raised: 'queue raised', gzip: 'JSON + gzip', proto3: 'proto3', proto3Gzip: 'proto3 + gzip', spoolAlways: 'JSON, spool.always (write-ahead to disk)' };
/** The sink options of each wire config (on loopback the sink sends plain JSON by default). */
const WIRE_OPTIONS = { gzip: { compression: 'gzip' }, proto3: { encoding: 'proto3' }, proto3Gzip: { encoding: 'proto3', compression: 'gzip' } };

const cpuMicros = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};
const turn = () => new Promise((r) => setImmediate(r));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- child-process plumbing ------------------------------------------------------------------

/** A child of this script in `role` (benchmarks/child-ipc.mjs). */
function child(role, extra = [], { env = process.env, nodeFlags = [] } = {}) {
  return spawnChild(self, [`--role=${role}`, ...extra], { name: `${role} ${extra.join(' ')}`, env, cwd: root, nodeFlags });
}

// ---- the collector ----------------------------------------------------------------------------

const KEY = Buffer.from('"traceId":');

/** Occurrences of `"traceId":` in a body that arrives in chunks (a key may straddle two). */
class KeyCounter {
  count = 0;
  carry = Buffer.alloc(0);
  add(chunk) {
    if (this.carry.length > 0) {
      const seam = Buffer.concat([this.carry, chunk.subarray(0, KEY.length - 1)]);
      if (seam.indexOf(KEY) !== -1) this.count++;
    }
    for (let at = chunk.indexOf(KEY); at !== -1; at = chunk.indexOf(KEY, at + KEY.length)) this.count++;
    this.carry = Buffer.from(chunk.subarray(Math.max(0, chunk.length - (KEY.length - 1))));
  }
}

/**
 * Spans in a proto3 ListOfSpans: its top-level field-1 entries (tag 0x0a, a varint length, the
 * bytes); NaN if the body is anything else (benchmarks/encode-proto3.mjs checks its bytes with it).
 */
export function countProto3(body) {
  let n = 0;
  let at = 0;
  while (at < body.length) {
    if (body[at++] !== 0x0a) return NaN;
    let len = 0;
    for (let shift = 0; ; shift += 7) {
      const b = body[at++];
      len += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
    }
    at += len;
    n++;
  }
  return at === body.length ? n : NaN;
}

async function collectorRole() {
  const http = await import('node:http');
  const { gunzipSync } = await import('node:zlib');
  // With a Zipkin to forward to (init's `forward`), every body goes on to it as it came, the
  // client gets Zipkin's answer, and only the spans Zipkin accepted (2xx) are counted.
  let forward;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const relay = (body, headers, done) => {
    const req = http.request(forward, { method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 502));
    });
    req.on('error', () => done(503));
    req.end(body);
  };
  const counts = new Map();
  const wire = new Map();
  const capture = new Set();
  const captured = new Map();
  const server = http.createServer((req, res) => {
    const path = req.url;
    const gzip = req.headers['content-encoding'] === 'gzip';
    const proto3 = req.headers['content-type'] === 'application/x-protobuf';
    // Plain JSON is counted as it streams; a gzip or proto3 body whole, once it is in.
    const counter = gzip || proto3 ? undefined : new KeyCounter();
    const keep = counter === undefined || capture.has(path) || forward !== undefined ? [] : undefined;
    let bytes = 0;
    req.on('data', (chunk) => {
      bytes += chunk.length;
      counter?.add(chunk);
      keep?.push(chunk);
    });
    req.on('end', () => {
      wire.set(path, (wire.get(path) ?? 0) + bytes);
      let n = counter?.count ?? 0;
      let text;
      if (counter === undefined) {
        const raw = Buffer.concat(keep);
        const body = gzip ? gunzipSync(raw) : raw;
        n = proto3 ? countProto3(body) : body.toString('latin1').split('"traceId":').length - 1;
        if (!proto3) text = body.toString('utf8');
      } else if (keep !== undefined && capture.has(path)) {
        text = Buffer.concat(keep).toString('utf8');
      }
      const answer = (status) => {
        if (status >= 200 && status < 300) counts.set(path, (counts.get(path) ?? 0) + n);
        if (capture.has(path)) {
          capture.delete(path);
          // proto3 bodies are counted, not read: the suite checks their fields against Zipkin.
          captured.set(path, proto3 ? { proto3: true, spans: n } : { text });
        }
        res.writeHead(forward === undefined ? 202 : status, { 'content-length': '0' });
        res.end();
      };
      if (forward === undefined) answer(202);
      else relay(Buffer.concat(keep), { 'content-type': req.headers['content-type'] ?? 'application/json', ...(gzip ? { 'content-encoding': 'gzip' } : {}) }, answer);
    });
  });
  // Keep-alive for as long as the run lasts: idle alternatives must not lose their connections.
  server.keepAliveTimeout = 600_000;
  server.headersTimeout = 610_000;
  server.maxRequestsPerSocket = 0;
  const port = await new Promise((r) => server.listen(0, '127.0.0.1', () => r(server.address().port)));
  serve(async (m) => {
    if (m.cmd === 'init') {
      if (m.forward !== undefined) forward = new URL('/api/v2/spans', m.forward);
      return { port };
    }
    if (m.cmd === 'count') return { count: counts.get(m.path) ?? 0, bytes: wire.get(m.path) ?? 0 };
    if (m.cmd === 'capture') {
      capture.add(m.path);
      captured.delete(m.path);
      return {};
    }
    if (m.cmd === 'captured') return { body: captured.get(m.path) };
    throw new Error(`collector: unknown command ${m.cmd}`);
  });
}

// ---- the alternatives (in their own processes) -------------------------------------------------

/** Distinct flat `http.path` values (as a URL parser makes them), one per span, the same for every alternative. */
function pathPool() {
  const paths = new Array(1 << 16);
  for (let i = 0; i < paths.length; i++) paths[i] = Buffer.from(`/objects/obj-${(i * 2654435761 >>> 0).toString(16).padStart(8, '0')}/fragment-${i & 3}`, 'latin1').toString('latin1');
  return paths;
}
const REMOTE = [0, 1, 2, 3].map((k) => ({ ipv4: `10.0.0.${k + 2}`, port: 6200 + k }));
/** The `tags10` shape: 10 tags of its own per call, values of 30–100 characters from a pool of 64 per key. */
const TAG_KEYS = Array.from({ length: 10 }, (_, j) => `app.field_${j}`);
function tagValues() {
  return TAG_KEYS.map((_, j) => Array.from({ length: 64 }, (_, n) => Buffer.from(`value ${j} of call ${n}: ${'abcdefghij'.repeat(10)}`.slice(0, 30 + ((n * 7 + j * 11) % 71)), 'latin1').toString('latin1')));
}
const work = async () => 1;

/** The seed's client span in deferred-span: a traced call that records what the HTTP helpers record. */
function deferredCall(tracer, root, shape) {
  if (shape === 'plain') return tracer.traced(work, { name: NAME, kind: 'CLIENT', parent: root });
  if (shape === 'tags10') {
    const values = tagValues();
    let i = 0;
    const tagged = tracer.traced(
      async (span, k) => {
        for (let j = 0; j < 10; j++) span.tag(TAG_KEYS[j], values[j][(k + j) & 63]);
        await work();
      },
      { name: NAME, kind: 'CLIENT', parent: root },
    );
    return () => tagged(i++);
  }
  const paths = pathPool();
  let i = 0;
  const seed = tracer.traced(
    async (span, p, remote) => {
      span.setRemoteEndpoint(remote);
      span.annotate('ws');
      span.tag('http.path', p);
      await work();
      span.tag('http.status_code', '200');
      span.annotate('wr');
    },
    { name: 'GET', kind: 'CLIENT', parent: root },
  );
  return () => {
    const k = i++;
    return seed(paths[k & 0xffff], REMOTE[k & 3]);
  };
}

const sumDrops = (d) => d.queueFull + d.rejected + d.expired + d.sinkFailed;

async function deferredAlternative({ url, shape, config, module, bare }) {
  const lib = await import(pathToFileURL(module).href);
  const raised = config === 'raised';
  let sink;
  let closeSink = () => {};
  if (bare) {
    // A plain sink: the tracer's own queue, then one bare http.request per batch (no retries, no timeouts).
    const http = await import('node:http');
    const target = new URL(url);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const options = { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': '0' } };
    sink = {
      write(batch) {
        const body = lib.encodeSpansBytes(batch);
        return new Promise((resolve, reject) => {
          options.headers['content-length'] = String(body.length);
          const req = http.request(options, (res) => {
            res.resume();
            res.on('end', () => (res.statusCode === 202 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
          });
          req.on('error', reject);
          req.end(body);
        });
      },
    };
    closeSink = () => agent.destroy();
  } else {
    // spool.always: every batch written to a spool directory of this process's own before it is sent.
    let spool = {};
    if (config === 'spoolAlways') {
      const fs = await import('node:fs');
      const dir = fs.mkdtempSync(join((await import('node:os')).tmpdir(), 'e2e-spool-'));
      spool = { spool: { dir, always: true } };
      // The children end on the coordinator's disconnect or SIGTERM, without a close: the directory goes at exit.
      process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
      process.once('SIGTERM', () => process.exit(0));
    }
    sink = lib.zipkinHttpSink({ url, warnings: false, ...(raised ? { maxQueueSpans: RAISED_QUEUE, maxQueueBytes: 1 << 30 } : {}), ...WIRE_OPTIONS[config], ...spool });
  }
  const tracer = lib.createTracer({ serviceName: SERVICE, sink, warnings: false, ...(bare && raised ? { maxQueueSpans: RAISED_QUEUE } : {}) });
  const root = tracer.startSpan('root');
  return {
    call: deferredCall(tracer, root, shape),
    drain: (timeoutMillis) => tracer.flush({ timeoutMillis }),
    drops: () => sumDrops(tracer.stats().dropped),
    close: async () => {
      await tracer.close();
      closeSink();
    },
  };
}

/** The tracer, the sink's engine (the lean path, its options at zipkinHttpSink's defaults) and the encoder, with no HTTP: each batch answered on the next turn. */
async function deferredLocalAlternative({ shape, module }) {
  const lib = await import(pathToFileURL(module).href);
  const dir = dirname(module);
  const engine = await import(pathToFileURL(join(dir, 'deliver/engine.ts')).href);
  const { engineOptions } = await import(pathToFileURL(join(dir, 'deliver/delivery-options.ts')).href);
  const { resolveZipkinHttpSinkOptions } = await import(pathToFileURL(join(dir, 'deliver/zipkin-http-options.ts')).href);
  const { ZIPKIN_DELIVERY_KINDS } = await import(pathToFileURL(join(dir, 'model/diagnostic-kinds.ts')).href);
  const sent = { outcome: 'sent' };
  const transport = {
    target: 'nowhere',
    encode: (records) => lib.encodeSpansBytes(records),
    send: () => sent,
    [engine.LEAN]: { start: (attempt, answer) => setImmediate(answer, attempt, sent), cancel() {}, split: () => undefined },
  };
  const options = engineOptions(resolveZipkinHttpSinkOptions({ warnings: false }), ZIPKIN_DELIVERY_KINDS);
  const sink = new engine.DeliveryEngine(transport, options);
  const tracer = lib.createTracer({ serviceName: SERVICE, sink, warnings: false });
  const root = tracer.startSpan('root');
  return { call: deferredCall(tracer, root, shape), drain: (timeoutMillis) => tracer.flush({ timeoutMillis }), drops: () => sumDrops(tracer.stats().dropped), close: () => tracer.close() };
}

async function floorAlternative({ url, shape, config, local }) {
  const { floorTracer } = await import('./end-to-end-floor.mjs');
  const { randomBytes } = await import('node:crypto');
  const seed = shape === 'seed';
  const floor = floorTracer({ url, serviceName: SERVICE, name: seed ? 'GET' : NAME, traceId: randomBytes(16).toString('hex'), parentId: randomBytes(8).toString('hex'), shape, remotes: REMOTE, send: !local, ...(config === 'raised' ? { maxQueueSpans: RAISED_QUEUE } : {}) });
  let call = floor.traced(work);
  if (seed) {
    const paths = pathPool();
    const traced = floor.tracedSeed(work);
    let i = 0;
    call = () => {
      const k = i++;
      return traced(paths[k & 0xffff], k & 3);
    };
  }
  return { call, drain: () => floor.flush(), drops: () => sumDrops(floor.stats().dropped), close: () => floor.close() };
}

async function otelAlternative({ url, shape, config }) {
  const require = createRequire(import.meta.url);
  const { trace, ROOT_CONTEXT, SpanKind } = require('@opentelemetry/api');
  const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
  const { ZipkinExporter } = require('@opentelemetry/exporter-zipkin');
  const { resourceFromAttributes } = require('@opentelemetry/resources');
  // Its own counts of what it lost: failed export results, and the spans its processor drops when
  // its queue is full (counted where it tells its self-observability metrics, `_metrics.dropSpans`;
  // its "Dropped N spans" warning goes to one process-wide diag logger and comes late).
  let failed = 0;
  let queueDropped = 0;
  const exporter = new ZipkinExporter({ url });
  const send = exporter.export.bind(exporter);
  exporter.export = (spans, done) =>
    send(spans, (result) => {
      if (result.code !== 0) failed += spans.length;
      done(result);
    });
  const processor = new BatchSpanProcessor(exporter, config === 'raised' ? { maxQueueSize: RAISED_QUEUE } : undefined);
  const metrics = processor._metrics;
  if (typeof metrics?.dropSpans !== 'function') throw new Error('OpenTelemetry: the BatchSpanProcessor has no _metrics.dropSpans to count its drops by');
  const dropSpans = metrics.dropSpans.bind(metrics);
  metrics.dropSpans = (n) => {
    queueDropped += n;
    return dropSpans(n);
  };
  // The service named as OpenTelemetry users name it, on the resource (the exporter takes it from there).
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': SERVICE }), spanProcessors: [processor] });
  const tracer = provider.getTracer('bench');
  const root = tracer.startSpan('root');
  const parent = trace.setSpan(ROOT_CONTEXT, root);
  let call;
  if (shape === 'plain') {
    call = async () => {
      const span = tracer.startSpan(NAME, { kind: SpanKind.CLIENT }, parent);
      try {
        return await work();
      } finally {
        span.end();
      }
    };
  } else if (shape === 'tags10') {
    const values = tagValues();
    let i = 0;
    call = async () => {
      const k = i++;
      const span = tracer.startSpan(NAME, { kind: SpanKind.CLIENT }, parent);
      try {
        for (let j = 0; j < 10; j++) span.setAttribute(TAG_KEYS[j], values[j][(k + j) & 63]);
        return await work();
      } finally {
        span.end();
      }
    };
  } else {
    const paths = pathPool();
    let i = 0;
    call = async () => {
      const k = i++;
      const remote = REMOTE[k & 3];
      const span = tracer.startSpan('GET', { kind: SpanKind.CLIENT, attributes: { 'server.address': remote.ipv4, 'server.port': remote.port } }, parent);
      try {
        span.addEvent('ws');
        span.setAttribute('http.path', paths[k & 0xffff]);
        await work();
        span.setAttribute('http.status_code', '200');
        span.addEvent('wr');
      } finally {
        span.end();
      }
    };
  }
  return {
    call,
    drain: () => provider.forceFlush(),
    drops: () => failed + queueDropped,
    close: () => provider.shutdown(),
  };
}

/** zipkin-transport-http, from the project or from `from` (a directory with it in node_modules); undefined when missing. */
export function loadZipkinTransportHttp(from) {
  for (const base of [import.meta.url, ...(from ? [pathToFileURL(join(resolve(from), 'x.js')).href] : [])]) {
    try {
      return createRequire(base)('zipkin-transport-http');
    } catch (error) {
      if (error?.code !== 'MODULE_NOT_FOUND') throw error;
    }
  }
  return undefined;
}

async function zipkinJsAlternative({ url, shape, zipkinTransportHttp }) {
  const require = createRequire(import.meta.url);
  const zipkin = require('zipkin');
  const transport = loadZipkinTransportHttp(zipkinTransportHttp);
  if (transport === undefined) throw new Error('zipkin-transport-http is not installed');
  const { Annotation, InetAddress } = zipkin;
  // Its own fetch (Node's), counted only to know when every POST has been answered.
  let pending = 0;
  let settled = [];
  const fetchImplementation = (u, o) => {
    pending++;
    return fetch(u, o).finally(() => {
      if (--pending === 0) for (const r of settled.splice(0)) r();
    });
  };
  let errors = 0;
  const logger = new transport.HttpLogger({ endpoint: url, jsonEncoder: zipkin.jsonEncoder.JSON_V2, fetchImplementation, log: { error: () => errors++, info: () => {} } });
  logger.on('error', () => errors++);
  const tracer = new zipkin.Tracer({ ctxImpl: new zipkin.ExplicitContext(), recorder: new zipkin.BatchRecorder({ logger }), localServiceName: SERVICE, traceId128Bit: true, log: { info: () => {}, error: () => {} } });
  const rootId = tracer.createRootId();
  let call;
  if (shape === 'plain') {
    call = () => tracer.letId(rootId, () => tracer.local(NAME, work));
  } else if (shape === 'tags10') {
    const values = tagValues();
    let i = 0;
    call = () => {
      const k = i++;
      return tracer.letId(rootId, () =>
        tracer.local(NAME, () => {
          for (let j = 0; j < 10; j++) tracer.recordBinary(TAG_KEYS[j], values[j][(k + j) & 63]);
          return work();
        }),
      );
    };
  } else {
    const paths = pathPool();
    const remotes = REMOTE.map((r) => ({ host: new InetAddress(r.ipv4), port: r.port }));
    let i = 0;
    // As zipkin-instrumentation-fetch records a client span, with ExplicitContext set around each step.
    call = () => {
      const k = i++;
      return tracer.letId(rootId, () => {
        const id = tracer.createChildId();
        return tracer.letId(id, () => {
          tracer.recordServiceName(SERVICE);
          tracer.recordRpc('GET');
          tracer.recordAnnotation(new Annotation.ClientSend());
          tracer.recordAnnotation(new Annotation.ServerAddr(remotes[k & 3]));
          tracer.recordMessage('ws');
          tracer.recordBinary('http.path', paths[k & 0xffff]);
          return work().then(() =>
            tracer.letId(id, () => {
              tracer.recordBinary('http.status_code', '200');
              tracer.recordMessage('wr');
              tracer.recordAnnotation(new Annotation.ClientRecv());
            }),
          );
        });
      });
    };
  }
  return {
    call,
    async drain(timeoutMillis) {
      logger.processQueue(logger.fetchImplementation);
      if (pending > 0) await Promise.race([new Promise((r) => settled.push(r)), sleep(timeoutMillis)]);
    },
    // zipkin-js counts nothing it loses: only the collector's count tells.
    drops: () => 0,
    close: () => {},
  };
}

/** Offers `call` in runs of `burst` per event-loop turn until `n` calls were made. */
async function driveCount(call, n, burst) {
  for (let i = 0; i < n; ) {
    const end = Math.min(n, i + burst);
    for (; i < end; i++) call();
    await turn();
  }
}

/** Offers `call` at `rate` per second for `seconds`: the calls due so far each turn (at most `maxPerTurn`). */
async function driveRate(call, rate, seconds, maxPerTurn) {
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  let issued = 0;
  for (let now = t0; now < until; now = performance.now()) {
    const due = Math.floor(((now - t0) / 1000) * rate);
    if (due <= issued) {
      await sleep(1);
      continue;
    }
    const end = Math.min(due, issued + maxPerTurn);
    for (; issued < end; issued++) call();
    await turn();
  }
  return { issued, offeredMillis: performance.now() - t0 };
}

/** Milliseconds spent in garbage collection so far (from the process's gc performance entries). */
let gcMillis = 0;
function watchGc() {
  return import('node:perf_hooks').then(({ PerformanceObserver }) => {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) gcMillis += e.duration;
    }).observe({ entryTypes: ['gc'] });
  });
}

async function alternativeRole(args) {
  await watchGc();
  const instances = new Map();
  let options;
  const instance = async (config) => {
    let a = instances.get(config);
    if (a === undefined) {
      const o = { ...options, config, url: `${options.base}/${args.alt}/${args.shape}/${config}/api/v2/spans` };
      const make = {
        floor: floorAlternative,
        floorLocal: (x) => floorAlternative({ ...x, local: true }),
        deferred: deferredAlternative,
        deferredBare: (x) => deferredAlternative({ ...x, bare: true }),
        deferredWire: deferredAlternative,
        deferredLocal: deferredLocalAlternative,
        otel: otelAlternative,
        zipkinJs: zipkinJsAlternative,
      }[args.alt];
      a = await make({ ...o, shape: args.shape });
      instances.set(config, a);
    }
    return a;
  };
  serve(async (m) => {
    if (m.cmd === 'init') {
      options = { base: m.base, module: m.module, zipkinTransportHttp: m.zipkinTransportHttp };
      for (const c of m.configs) await instance(c);
      return {};
    }
    const a = await instance(m.config);
    if (m.cmd === 'count') {
      const d0 = a.drops();
      const m0 = process.memoryUsage();
      const g0 = gcMillis;
      const c0 = cpuMicros();
      const w0 = performance.now();
      await driveCount(a.call, m.n, m.burst);
      await a.drain(m.drainMillis);
      const micros = cpuMicros() - c0;
      const wallMillis = performance.now() - w0;
      const m1 = process.memoryUsage();
      // The gc entries of the sample's last collections may come a turn late.
      await turn();
      return { micros, wallMillis, gcMillis: gcMillis - g0, issued: m.n, ownDrops: a.drops() - d0, heapGrowth: m1.heapUsed - m0.heapUsed };
    }
    if (m.cmd === 'rate') {
      const d0 = a.drops();
      const { issued, offeredMillis } = await driveRate(a.call, m.rate, m.seconds, m.maxPerTurn);
      const f0 = performance.now();
      await a.drain(m.drainMillis);
      const drainMillis = performance.now() - f0;
      return { issued, offeredMillis, drainMillis, ownDrops: a.drops() - d0 };
    }
    throw new Error(`unknown command ${m.cmd}`);
  });
}

// ---- checks of what arrived ------------------------------------------------------------------

/** What a captured span must hold, by shape; returns a problem or undefined. */
function checkSpan(alt, shape, s) {
  if (typeof s.traceId !== 'string' || typeof s.id !== 'string' || typeof s.parentId !== 'string') return 'no trace, span or parent ID';
  if (!(s.timestamp > 1e15) || !(s.duration >= 1)) return 'no timestamp or duration';
  if (s.localEndpoint?.serviceName !== SERVICE) return 'no local service name';
  if (shape === 'tags10') {
    const tags = s.tags ?? {};
    if (!TAG_KEYS.every((k) => typeof tags[k] === 'string' && tags[k].length >= 30 && tags[k].length <= 100)) return 'not the 10 tags of 30–100 characters';
  }
  if (shape === 'seed') {
    const tags = s.tags ?? {};
    if (typeof tags['http.path'] !== 'string' || !tags['http.path'].startsWith('/objects/')) return 'no http.path tag';
    if (tags['http.status_code'] !== '200') return 'no http.status_code tag';
    const values = (s.annotations ?? []).map((a) => a.value);
    if (!values.includes('ws') || !values.includes('wr')) return 'no ws and wr annotations';
    if (alt === 'otel') {
      if (!tags['server.address']?.startsWith('10.0.0.') || !(Number(tags['server.port']) >= 6200)) return 'no server.address / server.port attributes';
    } else if (!s.remoteEndpoint?.ipv4?.startsWith('10.0.0.') || !(s.remoteEndpoint.port >= 6200)) {
      return 'no remote endpoint IPv4 + port';
    }
  }
  return undefined;
}

// ---- the run ----------------------------------------------------------------------------------

const defaults = (quick) => ({
  rounds: quick ? 5 : 9,
  spansPerSample: quick ? 30_000 : 100_000,
  burst: 100,
  warmupSpans: quick ? 30_000 : 100_000,
  rates: quick ? [10_000, 50_000, 100_000, 200_000] : [10_000, 50_000, 100_000, 200_000, 400_000],
  seconds: quick ? 1 : 3,
  sweepShapes: quick ? ['plain'] : ['plain', 'seed'],
  shapes: ['plain', 'seed', 'tags10'],
  drainMillis: 30_000,
  maxPerTurn: 5000,
});

/** Through a real Zipkin: the competitors and the floor on the plain and seed spans, fewer rounds (Zipkin's own CPU is on the same 2 cores). */
const zipkinDefaults = (quick) => ({
  alternatives: ['floor', 'deferred', 'otel', 'zipkinJs'],
  shapes: ['plain', 'seed'],
  sweepShapes: quick ? ['plain'] : ['plain', 'seed'],
  rounds: quick ? 3 : 7,
  spansPerSample: quick ? 20_000 : 50_000,
  warmupSpans: quick ? 20_000 : 50_000,
  rates: quick ? [10_000, 50_000, 100_000] : [10_000, 50_000, 100_000, 200_000],
});

/**
 * Runs the benchmark; resolves to plain data (see endToEndMarkdown for what it holds).
 * options: quick, rounds, spansPerSample, burst, warmupSpans, rates, seconds, shapes, sweepShapes,
 * alternatives (keys of END_TO_END_ALTERNATIVES), compare ({ label, module }: another
 * deferred-span src/index.ts measured beside ours as `deferred:<label>`), zipkinTransportHttp (a
 * directory to load zipkin-transport-http from when the project has none), zipkin (a Zipkin base URL: the
 * collector relays every body to it and counts only what it accepted; then fewer cells and rounds,
 * zipkinDefaults), log (a function for progress).
 */
export async function runEndToEnd(options = {}) {
  const o = { ...defaults(options.quick), ...(options.zipkin === undefined ? {} : zipkinDefaults(options.quick)), ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  const log = o.log ?? ((m) => process.stderr.write(`end-to-end: ${m}\n`));
  const ourModule = join(root, 'src/index.ts');
  const skipped = {};
  // The cells: one process per alternative and shape.
  const alternatives = [];
  const wanted = o.alternatives ?? Object.keys(END_TO_END_ALTERNATIVES).filter((k) => !END_TO_END_ALTERNATIVES[k].optIn);
  for (const alt of wanted) {
    const spec = END_TO_END_ALTERNATIVES[alt];
    if (alt === 'zipkinJs' && loadZipkinTransportHttp(o.zipkinTransportHttp) === undefined) {
      skipped.zipkinJs = 'zipkin-transport-http is not installed (add it as a devDependency: npm install -D zipkin-transport-http)';
      continue;
    }
    for (const shape of spec.shapes) if (o.shapes.includes(shape)) alternatives.push({ key: `${alt}/${shape}`, alt, label: spec.label, shape, configs: spec.configs, module: ourModule, local: spec.local === true });
  }
  for (const c of o.compare ?? []) {
    for (const shape of END_TO_END_ALTERNATIVES.deferred.shapes) {
      if (o.shapes.includes(shape)) alternatives.push({ key: `deferred:${c.label}/${shape}`, alt: 'deferred', label: `deferred-span zipkinHttpSink (${c.label})`, shape, configs: ['defaults'], module: resolve(c.module) });
    }
  }
  const children = [];
  try {
    const collector = child('collector');
    children.push(collector);
    const { port } = await collector.ask({ cmd: 'init', ...(o.zipkin === undefined ? {} : { forward: o.zipkin }) });
    // Compare variants post under their own path prefix.
    const base = (a) => `http://127.0.0.1:${port}${a.key.startsWith('deferred:') ? '/' + encodeURIComponent(a.key.split('/')[0]) : ''}`;
    for (const a of alternatives) {
      a.proc = child('alternative', [`--alt=${a.alt}`, `--shape=${a.shape}`]);
      children.push(a.proc);
    }
    log(`${alternatives.length} alternatives: ${alternatives.map((a) => a.key).join(', ')}`);
    await Promise.all(alternatives.map((a) => a.proc.ask({ cmd: 'init', base: base(a), module: a.module, configs: a.configs, zipkinTransportHttp: o.zipkinTransportHttp })));
    const pathOf = (a, config) => `${new URL(base(a)).pathname.replace(/\/$/, '')}/${a.alt}/${a.shape}/${config}/api/v2/spans`;
    const acked = async (a, config) => (await collector.ask({ cmd: 'count', path: pathOf(a, config) })).count;
    const wireBytes = async (a, config) => (await collector.ask({ cmd: 'count', path: pathOf(a, config) })).bytes;

    // What arrives, checked once per cell.
    const recorded = {};
    for (const a of alternatives) {
      if (a.local) continue;
      for (const config of a.configs) {
        const path = pathOf(a, config);
        await collector.ask({ cmd: 'capture', path });
        await a.proc.ask({ cmd: 'count', config, n: 10, burst: 10, drainMillis: o.drainMillis });
        const { body: got } = await collector.ask({ cmd: 'captured', path });
        if (got === undefined) throw new Error(`${a.key} (${config}): nothing arrived at the collector`);
        if (got.proto3) {
          if (got.spans !== 10) throw new Error(`${a.key} (${config}): ${got.spans} spans in the proto3 body, not 10`);
          recorded[`${a.key} ${config}`] = { spans: got.spans, proto3: true };
          continue;
        }
        const body = got.text;
        const spans = JSON.parse(body);
        const problem = spans.map((s) => checkSpan(a.alt, a.shape, s)).find((p) => p !== undefined);
        if (problem !== undefined) throw new Error(`${a.key} (${config}): ${problem}: ${JSON.stringify(spans[0])}`);
        const s = spans.at(-1);
        recorded[`${a.key} ${config}`] = { spans: spans.length, bytesPerSpan: Math.round(Buffer.byteLength(body) / spans.length), tags: Object.keys(s.tags ?? {}), annotations: (s.annotations ?? []).map((x) => x.value), remoteEndpoint: s.remoteEndpoint !== undefined };
      }
    }

    // Warm-up (JIT, connections), interleaved.
    log(`warm-up: ${o.warmupSpans} spans per cell`);
    const cells = alternatives.flatMap((a) => a.configs.map((config) => ({ a, config, key: `${a.key} ${config}` })));
    for (const c of cells) await c.a.proc.ask({ cmd: 'count', config: c.config, n: o.warmupSpans, burst: o.burst, drainMillis: o.drainMillis });

    // CPU per span acknowledged: every cell once per round, the order rotating.
    const cpu = Object.fromEntries(cells.map((c) => [c.key, { nsPerSpan: [], wallNsPerSpan: [], gcNsPerSpan: [], lost: [], ownDrops: [], heapBytesPerSpan: [], wireBytesPerSpan: [] }]));
    // Each shape's ratios are to the floor (and OpenTelemetry at its defaults) of the same shape.
    const keyOf = (alt, shape) => cells.find((c) => c.a.alt === alt && c.a.shape === shape && c.config === 'defaults')?.key;
    log(`CPU: ${o.rounds} rounds × ${cells.length} cells × ${o.spansPerSample} spans`);
    for (let r = 0; r < o.rounds; r++) {
      for (let j = 0; j < cells.length; j++) {
        const c = cells[(j + r) % cells.length];
        const before = c.a.local ? 0 : await acked(c.a, c.config);
        const bytesBefore = c.a.local ? 0 : await wireBytes(c.a, c.config);
        const s = await c.a.proc.ask({ cmd: 'count', config: c.config, n: o.spansPerSample, burst: o.burst, drainMillis: o.drainMillis });
        // Nothing is sent by the components: every span not dropped counts as answered.
        const got = c.a.local ? s.issued - s.ownDrops : (await acked(c.a, c.config)) - before;
        const x = cpu[c.key];
        x.nsPerSpan.push(got > 0 ? (s.micros * 1000) / got : NaN);
        x.wallNsPerSpan.push(got > 0 ? (s.wallMillis * 1e6) / got : NaN);
        x.gcNsPerSpan.push(got > 0 ? (s.gcMillis * 1e6) / got : NaN);
        x.lost.push(s.issued - got);
        x.ownDrops.push(s.ownDrops);
        x.heapBytesPerSpan.push(s.heapGrowth / s.issued);
        if (!c.a.local && got > 0) x.wireBytesPerSpan.push(((await wireBytes(c.a, c.config)) - bytesBefore) / got);
      }
    }
    const cpuFigures = {};
    for (const c of cells) {
      const x = cpu[c.key];
      const floorKey = keyOf('floor', c.a.shape);
      const otelKey = keyOf('otel', c.a.shape);
      const ratios = floorKey === undefined ? [] : x.nsPerSpan.map((v, i) => v / cpu[floorKey].nsPerSpan[i]);
      const otelRatios = otelKey === undefined ? [] : x.nsPerSpan.map((v, i) => cpu[otelKey].nsPerSpan[i] / v);
      cpuFigures[c.key] = {
        alt: c.a.alt,
        label: c.a.label,
        shape: c.a.shape,
        config: c.config,
        nsPerSpan: median(x.nsPerSpan),
        nsPerSpanRange: range(x.nsPerSpan),
        ratioToFloor: median(ratios),
        ratioToFloorRange: range(ratios),
        otelRatio: median(otelRatios),
        wireBytesPerSpan: median(x.wireBytesPerSpan),
        otelRatioRange: range(otelRatios),
        wallNsPerSpan: median(x.wallNsPerSpan),
        gcNsPerSpan: median(x.gcNsPerSpan),
        lostPerSample: median(x.lost),
        lostTotal: x.lost.reduce((s, v) => s + v, 0),
        ownDropsTotal: x.ownDrops.reduce((s, v) => s + v, 0),
      };
    }

    // The rate sweep: each cell of the swept shapes at each rate, interleaved rate by rate.
    const sweepCells = cells.filter((c) => o.sweepShapes.includes(c.a.shape) && !c.a.key.startsWith('deferred:') && c.a.alt !== 'deferredBare' && !c.a.local);
    const sweep = Object.fromEntries(sweepCells.map((c) => [c.key, []]));
    const gaveUp = new Set();
    log(`rate sweep: ${o.rates.join(', ')} spans/s × ${o.seconds} s × ${sweepCells.length} cells`);
    for (let ri = 0; ri < o.rates.length; ri++) {
      const rate = o.rates[ri];
      for (let j = 0; j < sweepCells.length; j++) {
        const c = sweepCells[(j + ri) % sweepCells.length];
        if (gaveUp.has(c.key)) continue;
        const before = await acked(c.a, c.config);
        const s = await c.a.proc.ask({ cmd: 'rate', config: c.config, rate, seconds: o.seconds, maxPerTurn: o.maxPerTurn, drainMillis: o.drainMillis });
        // Anything still on its way (a POST answered after the drain's deadline) is lost too.
        const got = (await acked(c.a, c.config)) - before;
        const achieved = Math.round(s.issued / (s.offeredMillis / 1000));
        const lost = s.issued - got;
        const held = lost === 0 && achieved >= 0.95 * rate && s.drainMillis < 1000;
        sweep[c.key].push({ rate, issued: s.issued, achieved, acknowledged: got, lost, ownDrops: s.ownDrops, drainMillis: Math.round(s.drainMillis), held });
        // A cell that could not even offer half the rate is not asked for more.
        if (achieved < 0.5 * rate) gaveUp.add(c.key);
      }
    }
    const sweepFigures = {};
    for (const c of sweepCells) {
      const runs = sweep[c.key];
      let heldRate = 0;
      for (const run of runs) {
        if (!run.held) break;
        heldRate = run.rate;
      }
      sweepFigures[c.key] = { alt: c.a.alt, label: c.a.label, shape: c.a.shape, config: c.config, heldRate, runs };
    }
    return {
      node: process.versions.node,
      zipkin: o.zipkin !== undefined,
      quick: Boolean(o.quick),
      rounds: o.rounds,
      spansPerSample: o.spansPerSample,
      burst: o.burst,
      warmupSpans: o.warmupSpans,
      seconds: o.seconds,
      rates: o.rates,
      raisedQueue: RAISED_QUEUE,
      skipped,
      recorded,
      cpu: cpuFigures,
      sweep: sweepFigures,
      samples: cpu,
    };
  } finally {
    for (const c of children) c.stop();
  }
}


// ---- bursts into a real Zipkin (which queue and in-flight defaults hold one) -------------------

/** The configurations a burst is tried with by default: the old default (100,000 spans, 4 in flight) first, the default (200,000, 4) third. */
export const BURST_CONFIGS = [
  { maxQueueSpans: 100_000, maxInFlight: 4 },
  { maxQueueSpans: 100_000, maxInFlight: 8 },
  { maxQueueSpans: 200_000, maxInFlight: 4 },
  { maxQueueSpans: 200_000, maxInFlight: 8 },
  { maxQueueSpans: 250_000, maxInFlight: 4 },
  { maxQueueSpans: 250_000, maxInFlight: 8 },
  { maxQueueSpans: 250_000, maxInFlight: 4, maxQueueBytes: 128 * 1024 * 1024 },
  { maxQueueSpans: 250_000, maxInFlight: 8, maxQueueBytes: 128 * 1024 * 1024 },
];

const memory = () => {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external + m.arrayBuffers };
};

/** In a fresh process: one burst of `spans` spans offered at `rate` per second into a zipkinHttpSink with `config`. */
async function burstRole() {
  serve(async (m) => {
    const lib = await import(pathToFileURL(join(root, 'src/index.ts')).href);
    const sink = lib.zipkinHttpSink({ url: m.url, warnings: false, ...m.config });
    const tracer = lib.createTracer({ serviceName: `burst-${m.shape}`, sink, warnings: false });
    const parent = tracer.startSpan('burst');
    const call = deferredCall(tracer, parent, m.shape);
    // Warm-up well inside the queue (JIT, the HTTP module, connections), then a clean heap.
    for (let i = 0; i < 5; i++) {
      await driveCount(call, 10_000, 100);
      await tracer.flush({ timeoutMillis: 60_000 });
    }
    const warm = tracer.stats();
    globalThis.gc?.();
    globalThis.gc?.();
    const base = memory();
    const peak = { ...base };
    let maxQueued = 0;
    const note = () => {
      const now = memory();
      for (const k of Object.keys(peak)) peak[k] = Math.max(peak[k], now[k]);
      const s = tracer.stats();
      maxQueued = Math.max(maxQueued, s.queued + s.inFlight);
    };
    const t0 = performance.now();
    let issued = 0;
    while (issued < m.spans) {
      const due = Math.min(m.spans, Math.floor(((performance.now() - t0) / 1000) * m.rate));
      const end = Math.min(due, issued + m.maxPerTurn);
      for (; issued < end; issued++) call();
      note();
      await turn();
    }
    const issueMillis = performance.now() - t0;
    const sampler = setInterval(note, 10);
    const f0 = performance.now();
    const complete = await tracer.flush({ timeoutMillis: m.drainMillis });
    const drainMillis = performance.now() - f0;
    clearInterval(sampler);
    note();
    const s = tracer.stats();
    await tracer.close({ timeoutMillis: 5000 });
    const d = s.dropped;
    return {
      config: m.config,
      shape: m.shape,
      spans: m.spans,
      rate: m.rate,
      achievedRate: Math.round(m.spans / (issueMillis / 1000)),
      issueMillis: Math.round(issueMillis),
      drainMillis: Math.round(drainMillis),
      complete: complete !== false,
      sent: s.sent - warm.sent,
      dropped: { queueFull: d.queueFull - warm.dropped.queueFull, rejected: d.rejected - warm.dropped.rejected, expired: d.expired - warm.dropped.expired, sinkFailed: d.sinkFailed - warm.dropped.sinkFailed },
      maxQueued,
      peakRssGrowth: peak.rss - base.rss,
      peakHeapGrowth: peak.heapUsed - base.heapUsed,
      peakExternalGrowth: peak.external - base.external,
    };
  });
}

/**
 * Bursts into a real Zipkin: for each shape and configuration, a fresh process (run with
 * --expose-gc) offers `spans` spans at `rate` per second, after a warm-up, and reports what was
 * dropped, how long the flush took and the peak growth of its memory. options: zipkinUrl (base URL,
 * required), spans (200,000), rate (1,000,000), shapes (['plain', 'seed']), configs (BURST_CONFIGS),
 * repeats (3: medians are reported, the drops' range beside), drainMillis (120,000), log.
 */
export async function runBurst(options) {
  const o = { spans: 200_000, rate: 1_000_000, shapes: ['plain', 'seed'], configs: BURST_CONFIGS, repeats: 3, drainMillis: 120_000, maxPerTurn: 20_000, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  const log = o.log ?? ((m) => process.stderr.write(`end-to-end burst: ${m}\n`));
  if (!o.zipkinUrl) throw new Error('runBurst: zipkinUrl (a Zipkin base URL) is required');
  const url = `${o.zipkinUrl.replace(/\/$/, '')}/api/v2/spans`;
  const tries = [];
  for (let r = 0; r < o.repeats; r++) {
    const order = o.shapes.flatMap((shape) => o.configs.map((config) => ({ shape, config })));
    // The order rotates repeat by repeat, so a slow stretch of the machine (or of Zipkin) hits each alike.
    for (let j = 0; j < order.length; j++) {
      const { shape, config } = order[(j + r * 3) % order.length];
      const c = child('burst', [], { nodeFlags: ['--expose-gc'] });
      try {
        log(`repeat ${r + 1}/${o.repeats}: ${shape} ${JSON.stringify(config)}`);
        const { id, ...got } = await c.ask({ url, shape, config, spans: o.spans, rate: o.rate, maxPerTurn: o.maxPerTurn, drainMillis: o.drainMillis });
        void id;
        tries.push(got);
      } finally {
        c.stop();
      }
    }
  }
  // One row per shape and configuration: medians over its repeats, the drops' range beside.
  const runs = [];
  for (const shape of o.shapes) {
    for (const config of o.configs) {
      const mine = tries.filter((t) => t.shape === shape && JSON.stringify(t.config) === JSON.stringify(config));
      const dropped = mine.map((t) => t.dropped.queueFull + t.dropped.rejected + t.dropped.expired + t.dropped.sinkFailed);
      const med = (k) => median(mine.map((t) => t[k]));
      runs.push({
        shape,
        config,
        repeats: mine.length,
        droppedMedian: median(dropped),
        droppedRange: range(dropped),
        achievedRate: med('achievedRate'),
        maxQueued: med('maxQueued'),
        drainMillis: med('drainMillis'),
        peakRssGrowth: med('peakRssGrowth'),
        peakHeapGrowth: med('peakHeapGrowth'),
        peakExternalGrowth: med('peakExternalGrowth'),
        tries: mine,
      });
    }
  }
  return { node: process.versions.node, zipkinUrl: o.zipkinUrl, spans: o.spans, rate: o.rate, repeats: o.repeats, runs };
}

/** The burst runs as markdown. */
export function burstMarkdown(result) {
  const mib = (b) => fmt(b / (1024 * 1024), 1);
  const out = [
    `A burst of ${fmt(result.spans)} spans offered at ${fmt(result.rate)} spans/s into zipkinHttpSink, to a real Zipkin on loopback (Node ${result.node}); each try a fresh process after a warm-up, ${result.repeats} tries per row, medians (the drops' min–max beside). "Offered at": the rate the process managed to offer. Memory: peak growth over the warmed-up, collected heap.`,
    '',
    '| span | maxQueueSpans | maxInFlight | maxQueueBytes | offered at | dropped | most queued + in flight | flush after the burst | peak RSS growth MiB | peak heap growth MiB | peak buffers growth MiB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of result.runs) {
    const [lo, hi] = r.droppedRange;
    out.push(`| ${SHAPE_LABEL[r.shape]} | ${fmt(r.config.maxQueueSpans ?? 100_000)} | ${r.config.maxInFlight ?? 4} | ${mib(r.config.maxQueueBytes ?? 64 * 1024 * 1024)} | ${fmt(r.achievedRate / 1000)}k/s | ${fmt(r.droppedMedian)}${hi > 0 ? ` (${fmt(lo)}–${fmt(hi)})` : ''} | ${fmt(r.maxQueued)} | ${fmt(r.drainMillis)} ms | ${mib(r.peakRssGrowth)} | ${mib(r.peakHeapGrowth)} | ${mib(r.peakExternalGrowth)} |`);
  }
  return out.join('\n') + '\n';
}

// ---- markdown -----------------------------------------------------------------------------------

const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : 'n/a');
const SHAPE_LABEL = { plain: 'plain', seed: 'seed client', tags10: '10 tags' };

/** The result as markdown: the CPU table, the rate sweep, and what was skipped. */
export function endToEndMarkdown(result) {
  const out = [];
  out.push(
    `CPU of the tracing process per span acknowledged by ${result.zipkin ? 'a real Zipkin on loopback (each body relayed to it as it came by a counting proxy in another process, which answers with Zipkin\'s status; a span counts once Zipkin answered 2xx)' : 'a loopback collector in another process'} (Node ${result.node}; ${result.rounds} rounds × ${fmt(result.spansPerSample)} spans per sample, ${result.burst} calls per event-loop turn, every cell once per round, order rotating). "÷ floor" is the median of each round's ratio to that round's hand-written floor; ranges are min–max over rounds. "Queue raised": ${fmt(result.raisedQueue)} spans.`,
    '',
    '| library | span | config | ns per span acknowledged | range | ÷ floor | range | OpenTelemetry ÷ this | range | of which GC (wall) | bytes per span on the wire | lost |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const f of Object.values(result.cpu)) {
    const hasFloor = Number.isFinite(f.ratioToFloor);
    const ratio = f.alt === 'floor' ? '1' : hasFloor ? fmt(f.ratioToFloor, 2) : '—';
    const ratioRange = f.alt === 'floor' || !hasFloor ? '' : `${fmt(f.ratioToFloorRange[0], 2)}–${fmt(f.ratioToFloorRange[1], 2)}`;
    const otel = f.alt === 'otel' && f.config === 'defaults' ? '1' : Number.isFinite(f.otelRatio) ? fmt(f.otelRatio, 1) : '—';
    const otelRange = Number.isFinite(f.otelRatio) && !(f.alt === 'otel' && f.config === 'defaults') ? `${fmt(f.otelRatioRange[0], 1)}–${fmt(f.otelRatioRange[1], 1)}` : '';
    out.push(`| ${f.label} | ${SHAPE_LABEL[f.shape]} | ${CONFIG_LABEL[f.config]} | ${fmt(f.nsPerSpan)} | ${fmt(f.nsPerSpanRange[0])}–${fmt(f.nsPerSpanRange[1])} | ${ratio} | ${ratioRange} | ${otel} | ${otelRange} | ${fmt(f.gcNsPerSpan)} | ${fmt(f.wireBytesPerSpan)} | ${fmt(f.lostTotal)}${f.ownDropsTotal !== f.lostTotal ? ` (own count ${fmt(f.ownDropsTotal)})` : ''} |`);
  }
  out.push('');
  const sweep = Object.values(result.sweep);
  if (sweep.length > 0 && result.rates.length > 0) {
    out.push(
      `Offered rates, ${result.seconds} s each, then a flush: spans lost (created − acknowledged) and the rate achieved. "Held": nothing lost, at least 95% of the rate offered, and the flush done within 1 s. A cell that could not offer half a rate is not run at higher ones.`,
      '',
      `| library | span | config | ${result.rates.map((r) => `${fmt(r / 1000)}k/s lost (achieved)`).join(' | ')} | held up to |`,
      `| --- | --- | --- | ${result.rates.map(() => '---:').join(' | ')} | ---: |`,
    );
    for (const f of sweep) {
      const cells = result.rates.map((rate) => {
        const run = f.runs.find((x) => x.rate === rate);
        return run === undefined ? '—' : `${fmt(run.lost)} (${fmt(run.achieved / 1000, 0)}k)${run.held ? '' : ' ✗'}`;
      });
      out.push(`| ${f.label} | ${SHAPE_LABEL[f.shape]} | ${CONFIG_LABEL[f.config]} | ${cells.join(' | ')} | ${f.heldRate === 0 ? 'none' : `${fmt(f.heldRate / 1000)}k/s`} |`);
    }
    out.push('');
  }
  for (const [k, why] of Object.entries(result.skipped ?? {})) out.push(`Not measured: ${END_TO_END_ALTERNATIVES[k]?.label ?? k}: ${why}.`, '');
  return out.join('\n');
}

// ---- command line -----------------------------------------------------------------------------

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === self;
if (isMain) {
  const { values: args } = parseArgs({
    options: {
      role: { type: 'string', default: 'main' },
      alt: { type: 'string' },
      shape: { type: 'string' },
      quick: { type: 'boolean', default: false },
      markdown: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      spans: { type: 'string' },
      rates: { type: 'string' },
      seconds: { type: 'string' },
      shapes: { type: 'string' },
      'sweep-shapes': { type: 'string' },
      alternatives: { type: 'string' },
      compare: { type: 'string', multiple: true },
      'zipkin-transport-http': { type: 'string' },
      burst: { type: 'boolean', default: false },
      zipkin: { type: 'string' },
      'burst-spans': { type: 'string' },
      'burst-rate': { type: 'string' },
      repeats: { type: 'string' },
    },
  });
  if (args.role === 'collector') await collectorRole();
  else if (args.role === 'alternative') await alternativeRole(args);
  else if (args.role === 'burst') await burstRole();
  else if (args.burst) {
    const list = (s) => s?.split(',').filter(Boolean);
    const result = await runBurst({ zipkinUrl: args.zipkin, repeats: args.repeats === undefined ? undefined : Number(args.repeats), spans: args['burst-spans'] === undefined ? undefined : Number(args['burst-spans']), rate: args['burst-rate'] === undefined ? undefined : Number(args['burst-rate']), shapes: list(args.shapes) });
    process.stdout.write((args.markdown ? burstMarkdown(result) : JSON.stringify(result)) + '\n');
  } else {
    const list = (s) => s?.split(',').filter(Boolean);
    const result = await runEndToEnd({
      quick: args.quick,
      rounds: args.rounds === undefined ? undefined : Number(args.rounds),
      spansPerSample: args.spans === undefined ? undefined : Number(args.spans),
      rates: list(args.rates)?.map(Number),
      seconds: args.seconds === undefined ? undefined : Number(args.seconds),
      shapes: list(args.shapes),
      sweepShapes: list(args['sweep-shapes']),
      alternatives: list(args.alternatives),
      compare: args.compare?.map((c) => {
        const at = c.indexOf('=');
        return { label: c.slice(0, at), module: c.slice(at + 1) };
      }),
      zipkinTransportHttp: args['zipkin-transport-http'],
      zipkin: args.zipkin,
    });
    process.stdout.write((args.markdown ? endToEndMarkdown(result) : JSON.stringify(result)) + '\n');
  }
}
