// `compression: 'gzip'`: the sink's bodies go with `Content-Encoding: gzip`, and the real Zipkin
// stores exactly the spans it would have stored from the same bodies uncompressed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink } from '../src/index.js';
import { getTrace, requireZipkinUrl, uniqueServiceName, waitFor, zipkinSkip, type ZipkinSpanJson } from './helpers/zipkin.js';

test('gzip-compressed batches to the real Zipkin read back span for span like uncompressed ones', { skip: zipkinSkip() }, async () => {
  const url = `${requireZipkinUrl()}/api/v2/spans`;
  const traces: string[] = [];
  for (const compression of ['gzip', 'none'] as const) {
    const tracer = createTracer({ serviceName: uniqueServiceName(`gzip-${compression}`), sink: zipkinHttpSink({ url, compression, maxBatchSpans: 50 }) });
    const root = tracer.startSpan('job');
    const step = root.traced(
      async (span, i: number) => {
        span.setRemoteEndpoint({ serviceName: 'worker', ipv4: '10.1.2.3', port: 8000 + i });
        span.tag('item', `é-${i}-${'x'.repeat(i)}`);
        span.annotate('started');
      },
      { name: 'item', kind: 'CLIENT' },
    );
    await Promise.all(Array.from({ length: 120 }, (_, i) => step(i)));
    root.end();
    await tracer.close();
    assert.equal(tracer.stats().sent, 121, `${compression}: every span sent`);
    traces.push(root.context.traceId);
  }
  const [zipped, plain] = await Promise.all(traces.map((id) => waitFor(() => getTrace(id), (spans) => spans.length === 121, { description: `trace ${id} complete` })));
  // Everything but the IDs, timestamps and durations and the service is the same.
  const shape = (spans: ZipkinSpanJson[]) =>
    spans
      .map((s) => JSON.stringify({ name: s.name, kind: s.kind, remote: s.remoteEndpoint, tags: s.tags, annotations: s.annotations?.map((a) => a.value) }))
      .sort();
  assert.ok(zipped !== undefined && plain !== undefined);
  assert.deepEqual(shape(zipped), shape(plain));
});
