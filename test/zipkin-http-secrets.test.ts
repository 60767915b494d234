import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink, type DiagnosticEvent } from '../src/index.js';
import { fakeCollector } from './fixtures/http-collector.js';
import { recordSpans } from './fixtures/http-spans.js';

const TOKEN = 'Bearer s3cr3t-token-9f2c';
const API_KEY = 'key-7d41-abcd';

test('auth header values reach the collector but never stats, lastError, warnings or onError messages, even when the collector echoes them', async () => {
  // The collector echoes the credentials back in its error bodies: 503, then 500, then 401.
  const collector = await fakeCollector((r) => {
    const echo = `auth=${String(r.headers.authorization)} key=${String(r.headers['x-api-key'])}`;
    return r.n === 1 ? { status: 503, body: echo } : r.n === 2 ? { status: 500, body: echo } : { status: 401, body: echo };
  });
  const events: DiagnosticEvent[] = [];
  const warnings: string[] = [];
  const onWarning = (w: Error): void => void warnings.push(`${w.name} ${w.message}`);
  process.on('warning', onWarning);
  const sink = zipkinHttpSink({ url: collector.url, headers: { authorization: TOKEN, 'x-api-key': API_KEY }, initialBackoffMillis: 1, maxBackoffMillis: 5, onError: (e) => events.push(e) });
  const tracer = createTracer({ serviceName: 'secrets', sink, warnings: false });
  try {
    await recordSpans(tracer, 10);
    await tracer.close({ timeoutMillis: 30_000 });
    await new Promise((resolve) => setImmediate(resolve));

    assert.equal(collector.requests[0]!.headers.authorization, TOKEN, 'the header is sent');
    assert.equal(collector.requests[0]!.headers['x-api-key'], API_KEY);
    assert.deepEqual(events.map((e) => e.kind), ['ZIPKIN_SEND_FAILED', 'ZIPKIN_SEND_FAILED', 'ZIPKIN_REFUSED']);
    assert.deepEqual(sink.stats().dropped, { queueFull: 0, rejected: 10, expired: 0, sinkFailed: 0 });
    assert.ok(warnings.length >= 2, 'the failures were warned about');
    const everything = JSON.stringify({ stats: sink.stats(), tracer: tracer.stats(), events: events.map((e) => ({ ...e, error: String(e.error) })), warnings });
    assert.match(everything, /\[redacted\]/, 'the echoed values were replaced');
    for (const secret of [TOKEN, API_KEY, 's3cr3t-token-9f2c']) assert.ok(!everything.includes(secret), `${secret} leaked`);
  } finally {
    process.off('warning', onWarning);
    await collector.stop();
  }
});
