// W3C Trace Context interop with a real OpenTelemetry JS service, all spans read back from the
// real Zipkin as one trace:
//
//   ds-proxy `root` ── root.fetch ──▶ otel-service SERVER ── fetch ──▶ ds-object-server SERVER
//   (deferred-span, ['b3','w3c'])    (OpenTelemetry SDK, W3C only,   (deferred-span httpHandler,
//                                      @opentelemetry/exporter-zipkin)  ['b3','w3c'])
//
// The one chain covers both directions: ours → OpenTelemetry (our proxy's traceparent is accepted:
// OpenTelemetry's SERVER span is a child of our CLIENT span, in our trace) and OpenTelemetry → ours
// (OpenTelemetry's CLIENT span's traceparent reaches tracer.httpHandler, whose SERVER span is a
// child of it, not a shared span, as W3C has no shared-span model). Our proxy's tracestate entry
// (`dsproxy=`) travels through OpenTelemetry to our object server.
//
// The OpenTelemetry service runs in a child process (test/fixtures/otel-w3c-service.ts): the SDK
// sets global state. It delivers its spans to Zipkin before it answers.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { eventually } from './helpers/eventually.js';
import { listen, stop } from './helpers/http.js';
import { getTrace, requireZipkinUrl, uniqueServiceName, waitFor, zipkinSkip, type ZipkinSpanJson } from './helpers/zipkin.js';
import type { OtelCallReport } from './fixtures/otel-w3c-service.js';
import { createTracer, zipkinHttpSink, type ExtractedContext, type SpanContext } from '../src/index.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/otel-w3c-service.ts', import.meta.url));

/** What our object server saw of one request. */
interface Seen {
  readonly extracted: ExtractedContext | undefined;
  readonly context: SpanContext;
  readonly headers: http.IncomingHttpHeaders;
}

function hasIds(c: ExtractedContext | undefined): c is SpanContext {
  return c !== undefined && c.traceId !== undefined;
}

/** Starts the OpenTelemetry service and resolves with its port once it prints `listening <port>`. */
async function startOtelService(args: readonly string[]): Promise<{ child: ChildProcess; port: number; stderr: () => string }> {
  // The SDK reads OTEL_* variables (sampler, SDK disabled, ...): none of the caller's may change it.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_')));
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  let exited: string | undefined;
  child.on('exit', (code, signal) => (exited = `exited (status ${code}, signal ${signal})`));
  child.on('error', (error) => (exited = `failed to start: ${error.message}`));
  const port = await eventually(
    'the OpenTelemetry service to listen',
    () => {
      if (exited !== undefined) assert.fail(`the OpenTelemetry service ${exited} before listening:\n${stderr}`);
      const m = /^listening (\d+)$/m.exec(stdout);
      return m ? Number(m[1]) : undefined;
    },
    30_000,
  );
  return { child, port, stderr: () => stderr };
}

/** Ends the service by closing its standard input; kills it if it has not exited by the deadline. */
async function stopOtelService(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.stdin!.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

test('a W3C trace through a real OpenTelemetry service reads back from Zipkin as one trace: our CLIENT is the OpenTelemetry SERVER span\'s parent, OpenTelemetry\'s CLIENT is the parent of our (unshared) SERVER span, and our tracestate entry passes through', { skip: zipkinSkip(), timeout: 120_000 }, async (t) => {
  const spansUrl = `${requireZipkinUrl()}/api/v2/spans`;
  const proxyName = uniqueServiceName('ds-proxy');
  const otelName = uniqueServiceName('otel-service');
  const objectName = uniqueServiceName('ds-object-server');

  // Our downstream server: B3 first, W3C beside it. OpenTelemetry sends W3C only, so the W3C
  // context is read, and a W3C parent is never joined.
  const objectTracer = createTracer({ serviceName: objectName, sink: zipkinHttpSink({ url: spansUrl }), propagation: ['b3', 'w3c'] });
  t.after(() => objectTracer.close());
  const seen: Seen[] = [];
  const objectServer = http.createServer(
    objectTracer.httpHandler((span, req, res) => {
      seen.push({ extracted: objectTracer.extract(req.headers), context: span.context, headers: { ...req.headers } });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('object bytes');
    }),
  );
  const objectPort = await listen(objectServer);
  t.after(() => stop(objectServer));

  const otel = await startOtelService([spansUrl, otelName, `http://127.0.0.1:${objectPort}/objects/movie.mp4`]);
  t.after(() => stopOtelService(otel.child));

  // Our proxy: a root span that calls the OpenTelemetry service with span.fetch.
  const proxyTracer = createTracer({ serviceName: proxyName, sink: zipkinHttpSink({ url: spansUrl }), propagation: ['b3', 'w3c'], tracestateKey: 'dsproxy' });
  t.after(() => proxyTracer.close());
  const root = proxyTracer.startSpan('root');
  const traceId = root.context.traceId;
  let report: OtelCallReport;
  try {
    const res = await root.fetch(`http://127.0.0.1:${otel.port}/call`, { signal: AbortSignal.timeout(30_000) }, { remoteServiceName: otelName });
    const body = await res.text();
    assert.equal(res.status, 200, `the OpenTelemetry service answered ${res.status}: ${body}\n${otel.stderr()}`);
    report = JSON.parse(body) as OtelCallReport;
  } finally {
    root.end();
  }
  t.diagnostic(`trace ${traceId} (${proxyName} → ${otelName} → ${objectName})`);

  // What crossed the wire, as each side saw it.
  assert.equal(traceId.length, 32, 'a 128-bit trace ID, as W3C carries');
  assert.equal(report.downstreamStatus, 200);
  assert.equal(report.downstreamBody, 'object bytes');
  assert.equal(report.receivedB3, true, 'our proxy sent B3 beside W3C (OpenTelemetry, W3C only, ignores it)');
  const sentByUs = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[13]$/.exec(report.receivedTraceparent ?? '');
  assert.ok(sentByUs, `a sampled version-00 traceparent from our proxy, got ${report.receivedTraceparent}`);
  const ourClientId = sentByUs[2]!;
  assert.equal(sentByUs[1], traceId);
  assert.notEqual(ourClientId, root.context.spanId, 'the traceparent names the CLIENT span of root.fetch, not root');
  assert.equal(report.traceId, traceId, 'OpenTelemetry continued our trace');
  assert.equal(report.serverParentSpanId, ourClientId, 'OpenTelemetry read our span ID as its parent');
  assert.equal(report.receivedTracestate, `dsproxy=${ourClientId}`, 'our proxy added its tracestate entry');
  assert.equal(report.sentTracestate, report.receivedTracestate, 'OpenTelemetry passed the tracestate on unchanged');
  assert.equal(report.sentTraceparent, `00-${traceId}-${report.clientSpanId}-01`);

  assert.equal(seen.length, 1, 'our object server had one request');
  const at = seen[0]!;
  assert.equal(Object.keys(at.headers).filter((k) => k === 'b3' || k.startsWith('x-b3-')).length, 0, 'OpenTelemetry sent no B3');
  assert.equal(at.headers.traceparent, report.sentTraceparent);
  assert.ok(hasIds(at.extracted), `tracer.extract read a context from ${JSON.stringify(at.headers)}`);
  assert.equal(at.extracted.propagation, 'w3c');
  assert.equal(at.extracted.traceId, traceId);
  assert.equal(at.extracted.spanId, report.clientSpanId);
  assert.equal(at.extracted.sampled, true);
  assert.equal(at.extracted.tracestate, `dsproxy=${ourClientId}`, 'the tracestate still holds our proxy\'s entry');
  assert.ok(at.extracted.tracestate.includes('dsproxy='));
  assert.equal(at.context.traceId, traceId);
  assert.equal(at.context.parentId, report.clientSpanId, 'our SERVER span is a child of the OpenTelemetry CLIENT span');
  assert.notEqual(at.context.spanId, report.clientSpanId, 'a new span ID: a W3C parent is not joined');
  assert.equal(at.context.shared, false);
  assert.equal(at.context.tracestate, `dsproxy=${ourClientId}`, 'the server span keeps the tracestate it received');

  // Our spans, delivered: the object server's ends on its response's 'close'.
  await eventually('our object server span to end', () => objectTracer.stats().ended === 1);
  for (const [tracer, spans] of [[proxyTracer, 2], [objectTracer, 1]] as const) {
    const closed = await tracer.close({ timeoutMillis: 10_000 });
    assert.equal(closed.complete, true, `${tracer.serviceName} delivered everything`);
    assert.equal(tracer.stats().sent, spans, `${tracer.serviceName} sent ${spans} spans`);
  }

  // The whole trace, as Zipkin has it.
  const trace = await waitFor(() => getTrace(traceId), (spans) => spans.length >= 5, { description: `the 5 spans of trace ${traceId}`, timeoutMs: 20_000 });
  const describe = (s: ZipkinSpanJson): string => `${s.localEndpoint?.serviceName} ${s.kind ?? 'LOCAL'} ${s.name} ${s.id} parent ${s.parentId}`;
  assert.equal(trace.length, 5, `exactly 5 spans:\n${trace.map(describe).join('\n')}`);
  assert.deepEqual(new Set(trace.map((s) => s.traceId)), new Set([traceId]), 'one trace ID across all spans');
  assert.equal(new Set(trace.map((s) => s.id)).size, 5, 'five span IDs: OpenTelemetry shares none, and we shared none with it');
  const only = (service: string, kind: ZipkinSpanJson['kind']): ZipkinSpanJson => {
    const found = trace.filter((s) => s.localEndpoint?.serviceName === service && s.kind === kind);
    assert.equal(found.length, 1, `one ${kind ?? 'local'} span of ${service}:\n${trace.map(describe).join('\n')}`);
    return found[0]!;
  };
  const zRoot = only(proxyName, undefined);
  const zClient = only(proxyName, 'CLIENT');
  const zOtelServer = only(otelName, 'SERVER');
  const zOtelClient = only(otelName, 'CLIENT');
  const zObject = only(objectName, 'SERVER');

  assert.equal(zRoot.name, 'root');
  assert.equal(zRoot.id, root.context.spanId);
  assert.equal(zRoot.parentId, undefined, 'root has no parent');
  assert.equal(zClient.id, ourClientId);
  assert.equal(zClient.parentId, zRoot.id, 'our CLIENT span is a child of root');
  assert.equal(zClient.remoteEndpoint?.serviceName, otelName);
  assert.equal(zOtelServer.id, report.serverSpanId);
  assert.equal(zOtelServer.parentId, zClient.id, 'the OpenTelemetry SERVER span is a child of our CLIENT span');
  assert.equal(zOtelClient.id, report.clientSpanId);
  assert.equal(zOtelClient.parentId, zOtelServer.id, 'the OpenTelemetry CLIENT span is a child of its SERVER span');
  assert.equal(zObject.id, at.context.spanId);
  assert.equal(zObject.parentId, zOtelClient.id, 'our SERVER span is a child of the OpenTelemetry CLIENT span');
  assert.equal(zObject.shared, undefined, 'a child, not a shared span');
  for (const s of trace) assert.equal(s.shared, undefined, `no span is shared: ${describe(s)}`);
});
