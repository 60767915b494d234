import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, encodeSpans, zipkinHttpSink } from '../src/index.js';
import { recordSink } from './helpers/record-sink.js';
import { fakeCollector } from './fixtures/http-collector.js';

const MAX_QUEUE_BYTES = 64 * 1024;

test('past maxQueueBytes new spans are dropped and counted, so the spans held stay within the byte bound', async () => {
  const recorded = recordSink();
  const records = recorded.records;
  const producer = createTracer({ serviceName: 'queue-bytes', sink: recorded, warnings: false });
  const work = producer.traced(async () => undefined, { name: 'item' });
  await Promise.all(Array.from({ length: 5050 }, () => work()));
  await producer.close();

  // The collector never answers: whatever the sink takes, it holds.
  const collector = await fakeCollector(() => 'hang');
  const sink = zipkinHttpSink({ url: collector.url, maxQueueBytes: MAX_QUEUE_BYTES, maxBatchSpans: 50, maxInFlight: 1, timeoutMillis: 60_000, warnings: false });
  try {
    // A first batch is encoded and sent, so the sink has measured the size of a span.
    const first = collector.nextRequest();
    sink.write(records.slice(0, 50));
    await sink.flush({ timeoutMillis: 0 });
    await first;

    sink.write(records.slice(50));
    const s = sink.stats();
    const held = s.queued + s.inFlight;
    assert.ok(s.dropped.queueFull > 0, 'some spans were dropped');
    assert.equal(held + s.dropped.queueFull, 5050, 'every span is held or counted as dropped');
    assert.equal(s.dropped.queueFull, 5050 - held);
    const bytes = Buffer.byteLength(encodeSpans(records.slice(0, held)));
    // Spans not yet encoded are counted at the size measured so far; these are all alike.
    assert.ok(bytes <= MAX_QUEUE_BYTES * 1.02, `${held} spans held are ${bytes} bytes`);
    assert.ok(bytes > MAX_QUEUE_BYTES * 0.9, `the bound is used: ${held} spans held are ${bytes} bytes`);
  } finally {
    await sink.close({ timeoutMillis: 0 });
    await collector.stop();
  }
});
