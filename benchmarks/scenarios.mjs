// The traced-call scenarios compared by the benchmarks. Each one wraps the same workload, sends
// its spans through its own usual path to a discarding destination, and counts what arrives and
// whether each span has the expected parent: a run with a wrong count or parent fails.
import { createRequire } from 'node:module';
import zipkin from 'zipkin';
import { context, trace, ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createTracer, encodeSpansBytes } from '../src/index.ts';
import { naiveRecorder } from './naive-recorder.mjs';

const require = createRequire(import.meta.url);
// The Zipkin exporter's own span transform (not exported from its index).
const { toZipkinSpan: otelToZipkin } = require('@opentelemetry/exporter-zipkin/build/src/transform.js');

const SERVICE = 'bench';
const NAME = 'get fragment';

/**
 * What a real sink does with the body before it goes out: reads it whole. A string built by
 * appending is a rope that V8 flattens only then, so leaving this out would hide part of the
 * encoding cost of a scenario that appends. Text is not charged for its conversion to bytes (its
 * socket write would do that); ours hands over bytes already.
 */
function sent(body) {
  return typeof body === 'string' ? body.length + body.charCodeAt(body.length >> 1) * 0 : body.length + body[body.length >> 1] * 0;
}

/** Counts spans and wrong parents; keeps the last encoded body to check it parses. */
class Tally {
  spans = 0;
  wrongParents = 0;
  bytes = 0;
  lastBody = '';
  reset() {
    this.spans = 0;
    this.wrongParents = 0;
  }
}

/** The bare workload: the baseline every overhead is measured against. */
export function bare(work) {
  const tally = new Tally();
  return { name: 'bare', tally, call: work, async finish() {}, expectSpans: false };
}

/**
 * The bare workload again, as a control: its difference from `bare` is the noise of one cell, the
 * size below which a difference measured there means nothing.
 */
export function bareAgain(work) {
  return { ...bare(work), name: 'bare again (noise control)' };
}

/** deferred-span, sampled, into a sink that encodes each batch to Zipkin JSON bytes, as its HTTP and file sinks do, and discards them. */
export function deferredSampled(work, options = {}) {
  const tally = new Tally();
  let rootId = '';
  const sink = {
    write(batch) {
      const body = encodeSpansBytes(batch);
      tally.bytes += sent(body);
      tally.lastBody = body;
      tally.spans += batch.length;
      for (let i = 0; i < batch.length; i++) if (batch[i].parentId !== rootId) tally.wrongParents++;
    },
  };
  const { name: _name, ...tracerOptions } = options;
  const tracer = createTracer({ serviceName: SERVICE, sink, warnings: false, ...tracerOptions });
  const root = tracer.startSpan('root');
  rootId = root.context.spanId;
  const call = tracer.traced(work, { name: NAME, kind: 'CLIENT', parent: root });
  // The root handle stays referenced: with trackOrphans, a dropped unended root is (rightly) emitted as orphaned.
  return { name: options.name ?? 'deferred-span sampled', tally, call, tracer, root, finish: () => tracer.flush(), expectSpans: true };
}

/** deferred-span, not sampled (sampleRate 0): must cost next to nothing and emit nothing. */
export function deferredUnsampled(work) {
  const tally = new Tally();
  const sink = { write(batch) { tally.spans += batch.length; } };
  const tracer = createTracer({ serviceName: SERVICE, sink, sampleRate: 0, warnings: false });
  const call = tracer.traced(work, { name: NAME, kind: 'CLIENT' });
  return { name: 'deferred-span unsampled', tally, call, tracer, finish: () => tracer.flush(), expectSpans: false };
}

/** The naive deferred recorder: the floor reference. */
export function naive(work) {
  const tally = new Tally();
  let prefix = '';
  const rec = naiveRecorder(SERVICE, (batch) => {
    const body = '[' + batch.join(',') + ']';
    tally.bytes += sent(body);
    tally.lastBody = body;
    tally.spans += batch.length;
    for (let i = 0; i < batch.length; i++) if (!batch[i].startsWith(prefix)) tally.wrongParents++;
  });
  const root = rec.root();
  prefix = `{"traceId":"${root.traceId}","parentId":"${root.id}"`;
  const call = rec.traced(NAME, 'CLIENT', root, work);
  return { name: 'naive recorder', tally, call, async finish() { rec.flush(); }, expectSpans: true };
}

/**
 * zipkin-js as zipkin-instrumentation-fetch records a client span: Tracer, ExplicitContext,
 * BatchRecorder, JSON v2 encoding into a logger that batches like HttpLogger and discards.
 */
export function zipkinJs(work) {
  const tally = new Tally();
  let queue = [];
  let scheduled = false;
  let rootId = '';
  const flushQueue = () => {
    scheduled = false;
    if (queue.length === 0) return;
    const body = '[' + queue.join(',') + ']';
    tally.bytes += sent(body);
    tally.lastBody = body;
    queue = [];
  };
  const logger = {
    logSpan(span) {
      tally.spans++;
      if (span.parentId !== rootId) tally.wrongParents++;
      queue.push(zipkin.jsonEncoder.JSON_V2.encode(span));
      if (queue.length >= 1024) flushQueue();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flushQueue);
      }
    },
  };
  const tracer = new zipkin.Tracer({
    ctxImpl: new zipkin.ExplicitContext(),
    recorder: new zipkin.BatchRecorder({ logger }),
    localServiceName: SERVICE,
    traceId128Bit: true,
  });
  const rootTraceId = tracer.createRootId();
  rootId = rootTraceId.spanId;
  const instrumentation = new zipkin.Instrumentation.HttpClient({ tracer, serviceName: SERVICE, remoteServiceName: 'object-server' });
  // The body of zipkin-instrumentation-fetch's wrapFetch, with `work` as the fetch.
  const zipkinFetch = (url, opts = {}) =>
    new Promise((resolve, reject) => {
      tracer.scoped(() => {
        const zipkinOpts = instrumentation.recordRequest(opts, url, opts.method || 'GET');
        const traceId = tracer.id;
        work(url, zipkinOpts).then(
          (res) => {
            tracer.scoped(() => instrumentation.recordResponse(traceId, 200));
            resolve(res);
          },
          (err) => {
            tracer.scoped(() => instrumentation.recordError(traceId, err));
            reject(err);
          },
        );
      });
    });
  // ExplicitContext: the parent is set around each call, as the caller must.
  const call = () => tracer.letId(rootTraceId, () => zipkinFetch('http://object-server/fragment'));
  return { name: 'zipkin-js', tally, call, async finish() { flushQueue(); }, expectSpans: true };
}

function otelSetup(name) {
  const tally = new Tally();
  let rootId = '';
  const exporter = {
    export(spans, done) {
      const body = JSON.stringify(spans.map((s) => otelToZipkin(s, SERVICE, 'otel.status_code', 'error')));
      tally.bytes += sent(body);
      tally.lastBody = body;
      tally.spans += spans.length;
      for (let i = 0; i < spans.length; i++) if (spans[i].parentSpanContext?.spanId !== rootId) tally.wrongParents++;
      done({ code: 0 });
    },
    shutdown: async () => {},
  };
  // A queue big enough that a tight loop drops nothing: drops would flatter it.
  const provider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 1_000_000, maxExportBatchSize: 1024 })],
  });
  const tracer = provider.getTracer('bench');
  const root = tracer.startSpan('root');
  rootId = root.spanContext().spanId;
  return { name, tally, tracer, root, finish: () => provider.forceFlush(), expectSpans: true };
}

/** OpenTelemetry with an explicit parent context, made once. */
export function otelExplicit(work) {
  const s = otelSetup('OpenTelemetry explicit parent');
  const parentCtx = trace.setSpan(ROOT_CONTEXT, s.root);
  const options = { kind: SpanKind.CLIENT };
  s.call = (...args) => {
    const span = s.tracer.startSpan(NAME, options, parentCtx);
    return work(...args).then(
      (v) => { span.end(); return v; },
      (e) => { span.recordException(e); span.end(); throw e; },
    );
  };
  return s;
}

/** OpenTelemetry with the parent taken from AsyncLocalStorage (needs the global context manager). */
export function otelAls(work) {
  const s = otelSetup('OpenTelemetry AsyncLocalStorage');
  const options = { kind: SpanKind.CLIENT };
  const tracer = s.tracer;
  s.call = (...args) =>
    tracer.startActiveSpan(NAME, options, (span) =>
      work(...args).then(
        (v) => { span.end(); return v; },
        (e) => { span.recordException(e); span.end(); throw e; },
      ),
    );
  // The caller runs each sample inside the root's context.
  s.around = (fn) => context.with(trace.setSpan(context.active(), s.root), fn);
  return s;
}
