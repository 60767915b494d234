import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, encodeSpans } from '../src/index.js';
import { recordSink } from './helpers/record-sink.js';
import { assertZipkinSpan } from './helpers/zipkin-spec.js';

test('tag values are stored as strings, in memory and in the encoded JSON', async () => {
  const sink = recordSink();
  const records = sink.records;
  const tracer = createTracer({ serviceName: 'tags', sink });
  await tracer.traced(
    (span) => {
      span.tag('http.status_code', 200).tag('cache.hit', false).tag('bytes', 12345678901234567890n).tag('ratio', 0.25).tag('text', 'plain');
    },
    { tags: { 'fragment.index': 3, 'erasure.coded': true } },
  )();
  await tracer.flush();

  const expected = {
    'fragment.index': '3',
    'erasure.coded': 'true',
    'http.status_code': '200',
    'cache.hit': 'false',
    bytes: '12345678901234567890',
    ratio: '0.25',
    text: 'plain',
  };
  assert.deepEqual(sink.spans[0]!.tags, expected);
  const [encoded] = JSON.parse(encodeSpans(records)) as unknown[];
  assertZipkinSpan(encoded);
  assert.deepEqual((encoded as { tags: unknown }).tags, expected);
});
