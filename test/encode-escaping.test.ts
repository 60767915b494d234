import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { createTracer, encodeNdjson, encodeNdjsonBytes, encodeSpan, encodeSpans, encodeSpansBytes, MAX_VALUE_LENGTH, toZipkinSpan, type SpanRecord } from '../src/index.js';
import { recordSink } from './helpers/record-sink.js';

/** A tracer whose sink keeps the raw records, so the encoder can be checked against toZipkinSpan. */
function recordingTracer(serviceName = 'escapes', defaultTags?: Record<string, string>) {
  const recorded = recordSink();
  const records = recorded.records;
  const tracer = createTracer({
    serviceName,
    sink: recorded,
    warnings: false,
    ...(defaultTags && { defaultTags }),
  });
  return { tracer, records };
}

/** The encoded batch parses, and equals what toZipkinSpan gives, span by span, in every encoding. */
function assertRoundTrip(records: readonly SpanRecord[]): void {
  const expected = records.map((r) => toZipkinSpan(r));
  assert.deepEqual(JSON.parse(encodeSpans(records)), expected);
  // The byte encoders write the same text as UTF-8, without a string in between.
  assert.ok(encodeSpansBytes(records).equals(Buffer.from(encodeSpans(records))), 'encodeSpansBytes gives the bytes of encodeSpans');
  assert.ok(encodeNdjsonBytes(records).equals(Buffer.from(encodeNdjson(records))), 'encodeNdjsonBytes gives the bytes of encodeNdjson');
  const lines = encodeNdjson(records).split('\n');
  assert.equal(lines.pop(), '');
  assert.deepEqual(lines.map((l) => JSON.parse(l)), expected);
  for (let i = 0; i < records.length; i++) assert.deepEqual(JSON.parse(encodeSpan(records[i]!)), expected[i]);
}

const HOSTILE = [
  'plain',
  'quote " inside',
  '"',
  'back\\slash',
  '\\',
  '\\"',
  'trailing backslash \\',
  'newline\nreturn\rtab\tformfeed\fbackspace\b',
  Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join(''),
  '\u0000',
  'delete \u007f and C1 \u0085 \u009f',
  'lone high \ud800 here',
  'lone low \udfff here',
  '\udbff',
  'ends with a high surrogate \ud83d',
  'swapped pair \ude00\ud83d',
  'valid pair 😀 and 𝄞',
  'line separator \u2028 paragraph separator \u2029',
  '</script><script>alert(1)</script>',
  '{"json":"inside"}',
  'ünïcödé 日本語 עברית',
  'x'.repeat(MAX_VALUE_LENGTH + 100),
  '\ud83d'.repeat(5000),
];

test('hostile names, tag keys and values, annotation values and endpoint names encode to JSON equal to toZipkinSpan', async () => {
  const { tracer, records } = recordingTracer('svc "quoted" \\ \u2028', { 'default "key"': 'default \\ value \u0001' });
  for (const s of HOSTILE) {
    const site = tracer.traced(
      async (span) => {
        span.tag(s.slice(0, 300), s);
        span.tag('value', s);
        span.annotate(s, 1_700_000_000_000_001);
        span.setRemoteEndpoint({ serviceName: 'remote ' + s.slice(0, 200) });
      },
      { name: s, kind: 'CLIENT', tags: { [s.slice(0, 100) || 'k']: s }, remoteEndpoint: { serviceName: s.slice(0, 100) } },
    );
    await site();
    await tracer.startSpan(s, { remoteEndpoint: { serviceName: 'site ' + s.slice(0, 50) } }).fail(new Error(s));
  }
  await tracer.flush();
  assert.equal(records.length, HOSTILE.length * 2);
  assertRoundTrip(records);
});

test('a span that failed with a hostile error message encodes its error tag correctly', async () => {
  const { tracer, records } = recordingTracer();
  for (const s of HOSTILE) await tracer.traced(async () => { throw new Error(s); })().catch(() => undefined);
  await tracer.flush();
  assertRoundTrip(records);
  assert.ok(records.every((r) => typeof r.tags.error === 'string'));
});

test('any UTF-16 text, lone surrogates included, round trips through the encoder (fast-check)', async () => {
  const { tracer, records } = recordingTracer();
  const utf16 = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((codes) => String.fromCharCode(...codes));
  // Long and mostly ASCII too: the byte encoder writes strings from 48 characters on natively and checks the bytes after.
  const text = fc.oneof(
    utf16,
    fc.tuple(fc.string({ minLength: 44, maxLength: 130 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 0xffff })), { maxLength: 3 })).map(([body, inserts]) =>
      inserts.reduce((s, [at, c]) => { const i = at % (s.length + 1); return s.slice(0, i) + String.fromCharCode(c) + s.slice(i + 1); }, body),
    ),
  );
  await fc.assert(
    fc.asyncProperty(text, text, text, text, async (name, key, value, note) => {
      records.length = 0;
      await tracer.traced(
        async (span) => {
          span.tag(key, value);
          span.annotate(note);
          span.setRemoteEndpoint({ serviceName: value, ipv6: '::1', port: 80 });
        },
        { name, tags: { [key]: note } },
      )();
      // A site of its own (startSpan's) is written by the byte encoder's other path.
      const span = tracer.startSpan(name, { tags: { [key]: note }, remoteEndpoint: { serviceName: note, ipv4: '10.0.0.7' } });
      span.tag(key, value);
      span.annotate(note);
      span.fail(new Error(value));
      await tracer.flush();
      assertRoundTrip(records);
    }),
    { numRuns: 500 },
  );
});
