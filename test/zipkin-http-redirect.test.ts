import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink, type DiagnosticEvent } from '../src/index.js';
import { fakeCollector } from './fixtures/http-collector.js';
import { recordSpans } from './fixtures/http-spans.js';

test('a collector that redirects is not followed: the spans are counted as rejected and the message names where it points', async () => {
  const target = await fakeCollector();
  const secret = 'Bearer s3cr3t-token-value';
  const collector = await fakeCollector(() => ({ status: 308, headers: { location: target.url } }));
  const events: DiagnosticEvent[] = [];
  const sink = zipkinHttpSink({ url: collector.url, headers: { authorization: secret }, initialBackoffMillis: 1, warnings: false, onError: (e) => events.push(e) });
  const tracer = createTracer({ serviceName: 'redirected', sink, warnings: false });
  try {
    await recordSpans(tracer, 12);
    const result = await tracer.close({ timeoutMillis: 10_000 });
    assert.equal(result.complete, false, 'spans were dropped, so the close is not complete');
    assert.equal(collector.requests.length, 1, 'one request, not retried');
    assert.equal(target.requests.length, 0, 'nothing, and no credentials, went where the redirect points');
    const s = sink.stats();
    assert.equal(s.sent, 0);
    assert.deepEqual(s.dropped, { queueFull: 0, rejected: 12, expired: 0, sinkFailed: 0 });
    assert.equal(events.length, 1);
    assert.equal(events[0]!.kind, 'ZIPKIN_REDIRECTED');
    assert.ok(events[0]!.message.includes(`HTTP 308, a redirect to ${target.url}`), events[0]!.message);
    assert.match(events[0]!.message, /Set url to the address the collector redirects to/);
  } finally {
    await Promise.all([collector.stop(), target.stop()]);
  }
});

test('a redirect whose location echoes a header value has it redacted', async () => {
  const secret = 'Bearer s3cr3t-token-value';
  const collector = await fakeCollector(() => ({ status: 302, headers: { location: `http://127.0.0.1:1/login?token=${encodeURIComponent(secret)}&raw=${secret}` } }));
  const events: DiagnosticEvent[] = [];
  const sink = zipkinHttpSink({ url: collector.url, headers: { authorization: secret }, warnings: false, onError: (e) => events.push(e) });
  const tracer = createTracer({ serviceName: 'redirected', sink, warnings: false });
  try {
    await recordSpans(tracer, 3);
    await tracer.close({ timeoutMillis: 10_000 });
    assert.equal(sink.stats().dropped.rejected, 3);
    assert.equal(events.length, 1);
    assert.ok(!events[0]!.message.includes('s3cr3t-token-value'), events[0]!.message);
    assert.match(events[0]!.message, /\[redacted\]/);
  } finally {
    await collector.stop();
  }
});
