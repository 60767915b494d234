import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink, type DiagnosticEvent } from '../src/index.js';
import { fakeCollector } from './fixtures/http-collector.js';
import { recordSpans } from './fixtures/http-spans.js';

test('a request the collector never answers is aborted by timeoutMillis and its spans are sent again', async () => {
  // timeoutMillis is generous so that on a loaded machine only the hung request times out.
  const collector = await fakeCollector((r) => (r.n === 1 ? 'hang' : { status: 202 }));
  const events: DiagnosticEvent[] = [];
  const sink = zipkinHttpSink({ url: collector.url, timeoutMillis: 2000, initialBackoffMillis: 1, maxBackoffMillis: 10, warnings: false, onError: (e) => events.push(e) });
  const tracer = createTracer({ serviceName: 'hang', sink, warnings: false });
  try {
    const ids = await recordSpans(tracer, 20);
    const result = await tracer.close({ timeoutMillis: 30_000 });
    assert.equal(result.complete, true);
    assert.equal(collector.requests.length, 2, 'one hung request, then one answered');
    assert.deepEqual(collector.requests[0]!.spans.map((s) => s.id).sort(), [...ids].sort());
    for (const id of ids) assert.equal(collector.accepted.get(id), 1);
    const s = sink.stats();
    assert.equal(s.sent, 20);
    assert.equal(s.retried, 20);
    assert.deepEqual(s.dropped, { queueFull: 0, rejected: 0, expired: 0, sinkFailed: 0 });
    assert.equal(events.length, 1);
    assert.equal(events[0]!.kind, 'ZIPKIN_SEND_FAILED');
    assert.match(events[0]!.message, /no answer within 2000 ms \(timeoutMillis\)/);
  } finally {
    await collector.stop();
  }
});
