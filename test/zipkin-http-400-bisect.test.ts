import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink, type DiagnosticEvent, type SpanRecord } from '../src/index.js';
import { recordSink } from './helpers/record-sink.js';
import { getTrace, requireZipkinUrl, uniqueServiceName, waitFor, zipkinSkip } from './helpers/zipkin.js';

test('when Zipkin rejects a batch for one poisoned span, the batch is split, only that span is dropped and its message is reported once', { skip: zipkinSkip() }, async () => {
  const serviceName = uniqueServiceName('bisect');
  // Valid spans, captured as the records a tracer hands its sink.
  const recorded = recordSink();
  const records = recorded.records;
  const tracer = createTracer({ serviceName, sink: recorded, warnings: false });
  const root = tracer.startSpan('job');
  const child = root.traced(async () => undefined, { name: 'item' });
  await Promise.all(Array.from({ length: 199 }, () => child()));
  root.end();
  await tracer.close();
  assert.equal(records.length, 200);
  const traceId = records[0]!.traceId;

  // A record from a custom producer that our encoder passes through but Zipkin refuses.
  const poison: SpanRecord = { ...structuredClone(recordFields(records[0]!)), id: 'NOT-A-HEX-ID', name: 'poison' };

  const events: DiagnosticEvent[] = [];
  const warnings: Error[] = [];
  const onWarning = (w: Error): void => void warnings.push(w);
  process.on('warning', onWarning);
  const sink = zipkinHttpSink({ url: `${requireZipkinUrl()}/api/v2/spans`, initialBackoffMillis: 1, onError: (e) => events.push(e) });
  try {
    sink.write([...records.slice(0, 137), poison, ...records.slice(137)]);
    await sink.close({ timeoutMillis: 30_000 });

    const s = sink.stats();
    assert.equal(s.sent, 200);
    assert.deepEqual(s.dropped, { queueFull: 0, rejected: 1, expired: 0, sinkFailed: 0 });
    assert.equal(s.retried, 0, 'a rejection is split, not retried');
    assert.match(s.lastError ?? '', /NOT-A-HEX-ID should be lower-hex encoded/);
    assert.deepEqual(events.map((e) => e.kind), ['ZIPKIN_REJECTED']);
    assert.match(events[0]!.message, /^http:\/\/127\.0\.0\.1:\d+\/api\/v2\/spans rejected a span with HTTP 400: .*NOT-A-HEX-ID should be lower-hex encoded.*only that span was dropped/);
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(warnings.filter((w) => /NOT-A-HEX-ID/.test(w.message)).length, 1);

    const trace = await waitFor(() => getTrace(traceId), (spans) => spans.length >= 200, { description: `trace ${traceId}` });
    assert.deepEqual(trace.map((x) => x.id).sort(), records.map((r) => r.id).sort());
  } finally {
    process.off('warning', onWarning);
  }
});

/** The fields of a record as a plain object (a RecordingSpan keeps them behind getters). */
function recordFields(r: SpanRecord): SpanRecord {
  return {
    traceId: r.traceId, id: r.id, parentId: r.parentId, name: r.name, kind: r.kind, timestamp: r.timestamp, duration: r.duration,
    localEndpoint: { ...r.localEndpoint }, remoteEndpoint: undefined, tags: { ...r.tags }, annotations: [...r.annotations], debug: r.debug, shared: r.shared,
  };
}
