import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink } from '../src/index.js';
import { fakeCollector } from './fixtures/http-collector.js';
import { getTrace, requireZipkinUrl, waitFor, zipkinSkip } from './helpers/zipkin.js';

test('zipkinHttpSink takes a base URL as the CLI does (http://host:9411, …/zipkin/) and posts to /api/v2/spans', () => {
  assert.equal(zipkinHttpSink({ url: 'http://127.0.0.1:9411' }).url, 'http://127.0.0.1:9411/api/v2/spans');
  assert.equal(zipkinHttpSink({ url: 'http://127.0.0.1:9411/' }).url, 'http://127.0.0.1:9411/api/v2/spans');
  assert.equal(zipkinHttpSink({ url: 'http://127.0.0.1:9411/zipkin/' }).url, 'http://127.0.0.1:9411/api/v2/spans');
  assert.equal(zipkinHttpSink({ url: 'https://proxy.example/tracing/zipkin' }).url, 'https://proxy.example/tracing/api/v2/spans');
  assert.equal(zipkinHttpSink({ url: 'http://127.0.0.1:9411/api/v2/spans' }).url, 'http://127.0.0.1:9411/api/v2/spans');
  assert.equal(zipkinHttpSink({ url: 'http://collector:9411/custom/path' }).url, 'http://collector:9411/custom/path', 'any other path is taken as given');
});

test('spans sent with the base URL of the real Zipkin arrive', { skip: zipkinSkip() }, async () => {
  const tracer = createTracer({ serviceName: 'base-url', sink: zipkinHttpSink({ url: requireZipkinUrl() }) });
  const root = tracer.startSpan('root');
  await tracer.traced(async () => 1, { name: 'child', parent: root })();
  root.end();
  const result = await tracer.close();
  assert.equal(result.complete, true);
  const spans = await waitFor(() => getTrace(root.context.traceId), (s) => s.length >= 2, { description: 'the trace' });
  assert.equal(spans.length, 2);
});

test('a 405 from a URL that is not the span endpoint names the endpoint to use', async () => {
  const collector = await fakeCollector(() => ({ status: 405, body: 'Method Not Allowed' }));
  try {
    const messages: string[] = [];
    const sink = zipkinHttpSink({ url: collector.url.replace('/api/v2/spans', '/v1/spans'), warnings: false, onError: (e) => messages.push(e.message) });
    sink.write([]);
    const tracer = createTracer({ serviceName: 'wrong-path', sink, warnings: false });
    await tracer.traced(async () => 1)();
    await tracer.close();
    assert.match(messages.join('\n'), new RegExp(`Set url to Zipkin's span endpoint, e\\.g\\. http://127\\.0\\.0\\.1:${collector.port}/api/v2/spans`));
  } finally {
    await collector.stop();
  }
});
