import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink } from '../src/index.js';

/** Runs `fn` with OTEL_EXPORTER_ZIPKIN_ENDPOINT set to `value` (or unset), then restores it. */
function withEndpoint<T>(value: string | undefined, fn: () => T): T {
  const saved = process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT;
  if (value === undefined) delete process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT;
  else process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT = value;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT;
    else process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT = saved;
  }
}

test('the url defaults to OTEL_EXPORTER_ZIPKIN_ENDPOINT, else to localhost:9411', () => {
  assert.equal(withEndpoint(undefined, () => zipkinHttpSink().url), 'http://localhost:9411/api/v2/spans');
  assert.equal(withEndpoint('http://collector.example:9411/api/v2/spans?key=x', () => zipkinHttpSink().url), 'http://collector.example:9411/api/v2/spans', 'shown without its query string');
  assert.equal(withEndpoint('http://collector.example:9411/api/v2/spans', () => zipkinHttpSink({ url: 'https://other.example/api/v2/spans' }).url), 'https://other.example/api/v2/spans');
});

test('createTracer without a sink sends to Zipkin when OTEL_EXPORTER_ZIPKIN_ENDPOINT is set', async () => {
  const tracer = withEndpoint('http://127.0.0.1:9/api/v2/spans', () => createTracer({ serviceName: 'env-default' }));
  assert.equal((tracer.sink as { url?: string }).url, 'http://127.0.0.1:9/api/v2/spans');
  await tracer.close({ timeoutMillis: 0 });
});
