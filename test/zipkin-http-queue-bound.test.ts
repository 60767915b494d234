import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink, type DiagnosticEvent } from '../src/index.js';
import { recordSink } from './helpers/record-sink.js';
import { fakeCollector, freePort } from './fixtures/http-collector.js';

test('past maxQueueSpans new spans are dropped without blocking, the exact count is reported, and the rest are delivered', async () => {
  const recorded = recordSink();
  const records = recorded.records;
  const producer = createTracer({ serviceName: 'queue-bound', sink: recorded, warnings: false });
  const work = producer.traced(async () => undefined, { name: 'item' });
  await Promise.all(Array.from({ length: 1500 }, () => work()));
  await producer.close();

  const port = await freePort();
  const events: DiagnosticEvent[] = [];
  const sink = zipkinHttpSink({ url: `http://127.0.0.1:${port}/api/v2/spans`, maxQueueSpans: 1000, maxBatchSpans: 100, initialBackoffMillis: 1, maxBackoffMillis: 20, maxRetries: 1000, warnings: false, onError: (e) => events.push(e) });
  // One synchronous burst: write() queues what fits and returns at once.
  const returned = sink.write(records);
  assert.equal(returned, undefined, 'write() does not make the caller wait');
  assert.deepEqual(sink.stats().dropped, { queueFull: 500, rejected: 0, expired: 0, sinkFailed: 0 });
  assert.equal(sink.stats().queued, 1000);
  assert.deepEqual(events.map((e) => e.kind), ['ZIPKIN_QUEUE_FULL']);

  const collector = await fakeCollector(undefined, port);
  try {
    await sink.close({ timeoutMillis: 30_000 });
    const s = sink.stats();
    assert.equal(s.sent, 1000);
    assert.deepEqual(s.dropped, { queueFull: 500, rejected: 0, expired: 0, sinkFailed: 0 });
    // The first 1000 written are the ones kept: new spans are the ones dropped.
    assert.deepEqual([...collector.accepted.keys()].sort(), records.slice(0, 1000).map((r) => r.id).sort());
  } finally {
    await collector.stop();
  }
});
