import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink, type DiagnosticEvent } from '../src/index.js';
import { fakeCollector } from './fixtures/http-collector.js';
import { recordSpans } from './fixtures/http-spans.js';

test('two requests that hang, sent 400 ms apart, are each cut off at their own deadline and sent again', async () => {
  const arrived: number[] = [];
  // The first two requests (one batch each) never get an answer; their retries do.
  const collector = await fakeCollector((r) => {
    arrived.push(performance.now());
    return r.n <= 2 ? 'hang' : { status: 202 };
  });
  const events: DiagnosticEvent[] = [];
  const sink = zipkinHttpSink({ url: collector.url, timeoutMillis: 1000, maxBatchSpans: 10, flushIntervalMillis: 0, maxInFlight: 2, initialBackoffMillis: 1, maxBackoffMillis: 1, jitter: 0, warnings: false, onError: (e) => events.push(e) });
  const tracer = createTracer({ serviceName: 'deadlines', sink, warnings: false });
  try {
    const first = await recordSpans(tracer, 10);
    await collector.nextRequest();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const second = await recordSpans(tracer, 10);
    await collector.nextRequest();
    const result = await tracer.close({ timeoutMillis: 30_000 });
    assert.equal(result.complete, true);
    assert.equal(collector.requests.length, 4, 'two hung requests, then their two retries');
    for (const id of [...first, ...second]) assert.equal(collector.accepted.get(id), 1);
    // Each retry came no sooner than its own request's deadline: the second was not cut off at the first's.
    const [sentFirst, sentSecond, ...retries] = arrived as [number, number, number, number];
    assert.ok(sentSecond - sentFirst >= 350, `the second request went ${Math.round(sentSecond - sentFirst)} ms after the first`);
    const retryOf = (ids: string[]): number => retries[collector.requests.slice(2).findIndex((r) => r.spans.some((s) => ids.includes(s.id)))]!;
    // Times are the collector's arrivals, later than the client's sends by up to tens of ms on a
    // loaded machine, so a retry may arrive a little under 1000 ms after its request did. Cut off at
    // the first's deadline, the second would be retried about 600 ms after it arrived.
    const EARLIEST = 900;
    assert.ok(retryOf(first) - sentFirst >= EARLIEST, `the first was cut off after ${Math.round(retryOf(first) - sentFirst)} ms`);
    assert.ok(retryOf(second) - sentSecond >= EARLIEST, `the second was cut off after ${Math.round(retryOf(second) - sentSecond)} ms`);
    assert.ok(retryOf(second) > retryOf(first));
    const s = sink.stats();
    assert.equal(s.sent, 20);
    assert.equal(s.retried, 20);
    assert.deepEqual(s.dropped, { queueFull: 0, rejected: 0, expired: 0, sinkFailed: 0 });
    assert.deepEqual(events.map((e) => e.kind), ['ZIPKIN_SEND_FAILED', 'ZIPKIN_SEND_FAILED']);
    for (const e of events) assert.match(e.message, /no answer within 1000 ms \(timeoutMillis\)/);
  } finally {
    await collector.stop();
  }
});

test('sending makes no AbortController and no timer per request: one timer watches every deadline', async () => {
  const collector = await fakeCollector();
  const sink = zipkinHttpSink({ url: collector.url, maxBatchSpans: 10, warnings: false });
  const tracer = createTracer({ serviceName: 'lean', sink, warnings: false });
  // The first batch loads the HTTP module and opens connections: counted from the second batch on.
  await recordSpans(tracer, 10);
  await collector.whenAccepted(10);
  const realSetTimeout = globalThis.setTimeout;
  const RealAbortController = globalThis.AbortController;
  let timers = 0;
  let controllers = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    timers++;
    return realSetTimeout(...args);
  }) as typeof setTimeout;
  globalThis.AbortController = class extends RealAbortController {
    constructor() {
      super();
      controllers++;
    }
  };
  try {
    // 50 batches, each a request.
    await recordSpans(tracer, 500, 5);
    await collector.whenAccepted(510);
  } finally {
    globalThis.setTimeout = realSetTimeout;
    globalThis.AbortController = RealAbortController;
  }
  try {
    assert.ok(collector.requests.length >= 51, `${collector.requests.length} requests`);
    assert.equal(controllers, 0, 'no AbortController');
    // The batch interval's timer and the deadline watchdog, each armed at most a few times.
    assert.ok(timers <= 4, `${timers} timers for ${collector.requests.length - 1} requests`);
    await tracer.close();
    assert.equal(sink.stats().sent, 510);
  } finally {
    await collector.stop();
  }
});
