import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createTracer,
  encodeNdjson,
  encodeNdjsonBytes,
  encodeSpans,
  encodeSpansBytes,
  extractB3,
  toZipkinSpan,
  type Clock,
  type SpanRecord,
} from '../src/index.js';
import { recordSink } from './helpers/record-sink.js';
import { assertZipkinSpan } from './helpers/zipkin-spec.js';

/**
 * Both byte encoders give exactly the UTF-8 of the text encoders, and the array parses to spans that
 * are valid Zipkin (unless `epochTimes` is false: a test clock's times are not plausible epochs).
 */
function assertSameBytes(records: readonly SpanRecord[], epochTimes = true): void {
  const bytes = encodeSpansBytes(records);
  assert.ok(bytes.equals(Buffer.from(encodeSpans(records))), 'encodeSpansBytes gives the bytes of encodeSpans');
  assert.ok(encodeNdjsonBytes(records).equals(Buffer.from(encodeNdjson(records))), 'encodeNdjsonBytes gives the bytes of encodeNdjson');
  const parsed = JSON.parse(bytes.toString('utf8')) as unknown[];
  assert.equal(parsed.length, records.length);
  if (epochTimes) for (const span of parsed) assertZipkinSpan(span);
}

test('a mixed batch (several sites, 64- and 128-bit traces, joined spans, own tags and endpoints) encodes to the same bytes as text', async () => {
  const sink = recordSink();
  const wide = createTracer({ serviceName: 'wide ünï', sink, warnings: false, defaultTags: { env: 'prod' } });
  const narrow = createTracer({ serviceName: 'narrow', sink, warnings: false, traceId128Bit: false });
  const root = wide.startSpan('root', { tags: { env: 'overridden' } });
  const fetchFragment = root.traced(async (span, i: number) => {
    if (i % 2 === 0) span.tag('fragment', String(i));
    if (i % 3 === 0) span.annotate('retry "once"');
    if (i % 5 === 0) span.setRemoteEndpoint({ serviceName: 'object-server', ipv4: '10.0.0.7', port: 6200 });
    return i;
  }, { name: 'get fragment', kind: 'CLIENT', remoteEndpoint: { serviceName: 'proxy' } });
  await Promise.all(Array.from({ length: 40 }, (_, i) => fetchFragment(i)));
  const client = narrow.startSpan('client call', { kind: 'CLIENT' });
  const joined = wide.startSpan('server side', { kind: 'SERVER', parent: extractB3(client.b3Headers()), join: true });
  joined.end();
  client.end();
  narrow.startSpan('', { kind: 'PRODUCER' }).end();
  // Root calls of one wrapped function: a trace each, written over the site's template.
  const job = async (): Promise<number> => 1;
  const wideRoot = wide.traced(job, { name: 'item' });
  const narrowRoot = narrow.traced(job, { name: 'item' });
  for (let i = 0; i < 3; i++) await Promise.all([wideRoot(), narrowRoot()]);
  root.end();
  await Promise.all([wide.flush(), narrow.flush()]);
  assert.equal(sink.records.length, 50);
  assert.equal(new Set(sink.records.filter((r) => r.name === 'item').map((r) => r.traceId)).size, 6);
  assert.ok(sink.records.some((r) => r.shared));
  assert.ok(sink.records.some((r) => r.traceId.length === 16));
  assertSameBytes(sink.records);
  // One span at a time too: a run of siblings shares its prefix, a lone span must not inherit one.
  for (const r of sink.records) assertSameBytes([r]);
});

test('records that are not the tracer’s own (plain objects a user made) encode to the same bytes as text', () => {
  const foreign: SpanRecord = {
    traceId: '463ac35c9f6413ad48485a3953bb6124',
    id: 'a2fb4a1d1a96d312',
    parentId: undefined,
    name: 'imported "span" 日本',
    kind: 'CONSUMER',
    timestamp: 1_700_000_000_123_456,
    duration: 42,
    localEndpoint: { serviceName: 'importer' },
    remoteEndpoint: undefined,
    tags: { 'a\nb': 'c\u2028' },
    annotations: [{ timestamp: 1_700_000_000_123_460, value: 'ws' }],
    debug: true,
    shared: false,
  };
  assertSameBytes([foreign, foreign]);
  assert.deepEqual(JSON.parse(encodeNdjsonBytes([foreign]).toString('utf8')), toZipkinSpan(foreign));
});

test('times from an injected clock (below 10^9 microseconds, past the year 2286) and durations above 10^9 encode as the text encoder writes them', async () => {
  const readings = [5, 999_999_999.4, 1_000_000_000, 1_000_000_001, 7, 9_007_199_254_740_000, 2e16, 2e16 + 8];
  let next = 0;
  const clock: Clock = { now: () => readings[Math.min(next++, readings.length - 1)]! };
  const sink = recordSink();
  const tracer = createTracer({ serviceName: 'clock', sink, clock, warnings: false });
  tracer.startSpan('tiny start, huge duration').end();
  tracer.startSpan('across 10^9').end();
  tracer.startSpan('small start, near 2^53 end').end();
  tracer.startSpan('past the year 2286').end();
  await tracer.flush();
  assert.deepEqual(
    sink.records.map((r) => [r.timestamp, r.duration]),
    [
      [5, 999_999_994],
      [1_000_000_000, 1],
      [7, 9_007_199_254_739_993],
      [2e16, 8],
    ],
  );
  assertSameBytes(sink.records, false);
});

test('spans of one batch that started in different seconds each get their own time', async () => {
  let now = 1_764_000_000_000_000;
  // Each reading 0.7 s after the last: starts fall in different seconds, in both directions of a batch.
  const clock: Clock = { now: () => (now += 700_001) };
  const sink = recordSink();
  const tracer = createTracer({ serviceName: 'seconds', sink, clock, warnings: false });
  for (let i = 0; i < 12; i++) tracer.startSpan('step').end();
  await tracer.flush();
  assert.equal(new Set(sink.records.map((r) => Math.floor(r.timestamp / 1e6))).size, 12);
  assertSameBytes(sink.records);
  assertSameBytes([...sink.records].reverse());
  const parsed = JSON.parse(encodeSpansBytes(sink.records).toString('utf8')) as { timestamp: number }[];
  assert.deepEqual(parsed.map((s) => s.timestamp), sink.records.map((r) => r.timestamp));
});

test('a batch bigger than the encoder’s scratch space encodes whole, and a buffer handed out is never changed by a later encode', async () => {
  const sink = recordSink();
  const tracer = createTracer({ serviceName: 'big', sink, warnings: false });
  const long = 'x'.repeat(4000);
  const call = tracer.traced(async (span) => span.tag('payload', long), { name: 'big' });
  for (let i = 0; i < 600; i++) await call();
  await tracer.flush();
  const first = encodeSpansBytes(sink.records);
  assert.ok(first.length > 2_000_000, `the batch is past the scratch size (${first.length} bytes)`);
  const copy = Buffer.from(first);
  const second = encodeNdjsonBytes(sink.records.slice(0, 3));
  encodeSpansBytes(sink.records.slice(3, 9));
  assert.ok(first.equals(copy), 'the first buffer is unchanged');
  assert.ok(second.equals(Buffer.from(encodeNdjson(sink.records.slice(0, 3)))));
  assertSameBytes(sink.records);
});

test('a record whose getter encodes another batch mid-encode does not corrupt the outer batch', async () => {
  const sink = recordSink();
  const tracer = createTracer({ serviceName: 'reentrant', sink, warnings: false });
  tracer.startSpan('inner').end();
  tracer.startSpan('outer').end();
  await tracer.flush();
  const [inner, outer] = sink.records as [SpanRecord, SpanRecord];
  let innerBytes: Buffer | undefined;
  const sneaky: SpanRecord = {
    ...toZipkinSpan(outer),
    parentId: undefined,
    kind: undefined,
    remoteEndpoint: undefined,
    localEndpoint: outer.localEndpoint,
    tags: {},
    annotations: [],
    debug: false,
    shared: false,
    name: 'sneaky',
    get duration() {
      innerBytes = encodeSpansBytes([inner, inner]);
      return 3;
    },
  } as SpanRecord;
  const batch = [outer, sneaky, inner];
  const bytes = encodeSpansBytes(batch);
  assert.ok(innerBytes?.equals(Buffer.from(encodeSpans([inner, inner]))), 'the nested encode is right');
  assert.ok(bytes.equals(Buffer.from(encodeSpans(batch))), 'the outer encode is right');
});
