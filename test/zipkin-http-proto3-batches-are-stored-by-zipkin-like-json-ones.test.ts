// `encoding: 'proto3'` (with and without gzip): the sink's ListOfSpans bodies are stored by the real
// Zipkin field for field as the same spans sent as JSON.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink, type ZipkinHttpSinkOptions } from '../src/index.js';
import { getTrace, requireZipkinUrl, uniqueServiceName, waitFor, zipkinSkip, type ZipkinSpanJson } from './helpers/zipkin.js';

const SPANS = 60;

async function sendTrace(url: string, options: ZipkinHttpSinkOptions): Promise<string> {
  const tracer = createTracer({ serviceName: uniqueServiceName('proto3-sink'), sink: zipkinHttpSink({ url, maxBatchSpans: 25, ...options }) });
  const root = tracer.startSpan('job', { kind: 'SERVER' });
  const step = root.traced(
    async (span, i: number) => {
      span.setRemoteEndpoint(i % 2 === 0 ? { serviceName: 'store', ipv4: '10.0.0.7', port: 9000 + i } : { ipv6: '2001:db8::7', port: 443 });
      span.tag('http.path', `/objects/${i}/ünïcode-"quoted"`);
      span.annotate('ws');
      if (i % 10 === 0) throw new Error(`item ${i} failed`);
    },
    { name: 'get item', kind: 'CLIENT' },
  );
  await Promise.allSettled(Array.from({ length: SPANS - 1 }, (_, i) => step(i)));
  root.end();
  await tracer.close();
  assert.equal(tracer.stats().sent, SPANS, `${JSON.stringify(options)}: every span sent`);
  return root.context.traceId;
}

test('proto3 batches, gzipped or not, read back from the real Zipkin as the same spans sent as JSON do', { skip: zipkinSkip() }, async () => {
  const url = `${requireZipkinUrl()}/api/v2/spans`;
  const ids = [await sendTrace(url, { encoding: 'json' }), await sendTrace(url, { encoding: 'proto3' }), await sendTrace(url, { encoding: 'proto3', compression: 'gzip' })];
  const traces = await Promise.all(ids.map((id) => waitFor(() => getTrace(id), (spans) => spans.length === SPANS, { description: `trace ${id} complete` })));
  const shape = (spans: ZipkinSpanJson[]) =>
    spans
      .map((s) => JSON.stringify({ name: s.name, kind: s.kind, parent: s.parentId !== undefined, remote: s.remoteEndpoint, tags: s.tags, annotations: s.annotations?.map((a) => a.value), local: s.localEndpoint?.ipv4 }))
      .sort();
  const [json, proto3, gzipped] = traces.map(shape);
  assert.deepEqual(proto3, json);
  assert.deepEqual(gzipped, json);
  assert.equal(json!.filter((s) => s.includes('"error"')).length, 6, 'the failed calls carry their error tags');
});
