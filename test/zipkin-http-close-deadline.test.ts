import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink, type DiagnosticEvent } from '../src/index.js';
import { fakeCollector } from './fixtures/http-collector.js';
import { recordSpans } from './fixtures/http-spans.js';

test('close() past its deadline aborts what is in flight, counts every undelivered span as expired and says how many', async () => {
  // The collector never answers: nothing can be delivered.
  const collector = await fakeCollector(() => 'hang');
  const events: DiagnosticEvent[] = [];
  const sink = zipkinHttpSink({ url: collector.url, maxBatchSpans: 100, maxInFlight: 2, timeoutMillis: 60_000, warnings: false, onError: (e) => events.push(e) });
  const tracer = createTracer({ serviceName: 'close-deadline', sink, warnings: false });
  try {
    await recordSpans(tracer, 1000, 10);
    const firstRequest = collector.nextRequest();
    await tracer.flush({ timeoutMillis: 0 });
    await firstRequest;
    const result = await tracer.close({ timeoutMillis: 300 });
    assert.equal(result.complete, false);
    // close() itself already reports the drops: nothing pending, every span expired.
    assert.equal(result.pending, 0);
    assert.equal(result.dropped.expired, 1000);
    // By the time sink.close() has settled, the undelivered spans are counted as expired.
    await sink.close();
    const s = sink.stats();
    assert.equal(s.sent, 0);
    assert.equal(s.queued + s.inFlight, 0);
    assert.deepEqual(s.dropped, { queueFull: 0, rejected: 0, expired: 1000, sinkFailed: 0 });
    const closing = events.filter((e) => e.kind === 'ZIPKIN_CLOSE_TIMEOUT');
    assert.equal(closing.length, 1);
    assert.match(closing[0]!.message, /^close\(\): 1000 span\(s\) were still undelivered after \d+ ms; they were dropped and counted as expired$/);
  } finally {
    await collector.stop();
  }
});
