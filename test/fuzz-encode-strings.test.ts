import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  createTracer,
  encodeNdjson,
  encodeNdjsonBytes,
  encodeSpans,
  encodeSpansBytes,
  MAX_NAME_LENGTH,
  MAX_TAG_KEY_LENGTH,
  MAX_VALUE_LENGTH,
  ndjsonFileSink,
  toZipkinSpan,
  type Span,
  type SpanKind,
  type Tracer,
} from '../src/index.js';
import { recordSink } from './helpers/record-sink.js';
import { assertValidJsonLine, assertZipkinSpan } from './helpers/zipkin-spec.js';

const RUNS = Number(process.env.FUZZ_ENCODE_RUNS ?? 2_000);

const char = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)) }, // controls
  { weight: 2, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) }, // lone surrogates
  { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0x10ffff }).map((c) => String.fromCodePoint(c)) },
  { weight: 1, arbitrary: fc.constantFrom('"', '\\', '\u2028', '\u2029', '\u007f', '\ufeff', '😀', '</script>', '\\u0000', '__proto__') },
);
const short = fc.string({ unit: char, maxLength: 30 });
// Lengths around each limit, ending in a surrogate pair or a lone surrogate where the cut falls.
const huge = fc
  .tuple(fc.constantFrom(MAX_NAME_LENGTH, MAX_TAG_KEY_LENGTH, MAX_VALUE_LENGTH, 100_000), fc.integer({ min: -2, max: 2 }), short, fc.constantFrom('😀', '\ud800', '\udc00', 'a'))
  .map(([limit, offset, fill, tail]) => {
    const body = (fill === '' ? 'x' : fill).repeat(Math.ceil(limit / Math.max(1, fill.length)) + 1);
    return body.slice(0, Math.max(0, limit + offset - 1)) + tail + body.slice(0, 3);
  });
// Mostly printable ASCII, 40 to 140 characters, with a few hostile characters anywhere: the byte
// encoder writes such strings by one native write and checks the bytes after, four at a time.
const longMostlyAscii = fc
  .tuple(fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 40, maxLength: 140 }), fc.array(fc.tuple(fc.nat(), char), { maxLength: 3 }))
  .map(([body, inserts]) => inserts.reduce((s, [at, c]) => { const i = at % (s.length + 1); return s.slice(0, i) + c + s.slice(i + 1); }, body));
const hostile = fc.oneof({ weight: 6, arbitrary: short }, { weight: 2, arbitrary: longMostlyAscii }, { weight: 1, arbitrary: huge });
// Keys that mean something to a plain object.
const hostileKey = fc.oneof({ weight: 9, arbitrary: hostile }, { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'error') });

const spanInput = fc.record({
  name: hostile,
  kind: fc.constantFrom<SpanKind | undefined>('CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER', undefined),
  siteTag: fc.tuple(hostileKey, hostile),
  tag: fc.tuple(hostileKey, hostile),
  annotation: hostile,
  remoteService: hostile,
  // Set on the span as well: junk addresses and ports must be dropped, not encoded.
  endpoint: fc.record({
    serviceName: hostile,
    ipv4: fc.constantFrom('10.0.0.7', '256.1.1.1', '10.0.0.7\r\n', '', '0x7f.1', '1.2.3'),
    ipv6: fc.constantFrom('2001:db8::c001', '[::1]', '::1%eth0', 'fe80::1::2', 'ü::1', '::ffff:10.0.0.7'),
    port: fc.constantFrom(1, 65535, 0, -1, 65536, 80.5, Number.NaN, Infinity),
  }),
  viaTraced: fc.boolean(),
});
type SpanInput = typeof spanInput extends fc.Arbitrary<infer T> ? T : never;

async function record(tracer: Tracer, input: SpanInput): Promise<void> {
  const options = { kind: input.kind, tags: { [input.siteTag[0]]: input.siteTag[1] }, remoteEndpoint: { serviceName: input.remoteService } };
  const body = (span: Span): void => {
    span.tag(input.tag[0], input.tag[1]);
    span.annotate(input.annotation);
    span.setRemoteEndpoint(input.endpoint);
  };
  if (input.viaTraced) {
    await tracer.traced(async (span) => body(span), { name: input.name, ...(input.kind ? { kind: input.kind } : {}), tags: options.tags, remoteEndpoint: options.remoteEndpoint })();
  } else {
    const span = tracer.startSpan(input.name, { ...(input.kind ? { kind: input.kind } : {}), tags: options.tags, remoteEndpoint: options.remoteEndpoint });
    body(span);
    span.end();
  }
}

/** `original` cut at `limit` without splitting a surrogate pair (the documented rule), or `original` itself. */
function cutAt(original: string, limit: number): string {
  if (original.length <= limit) return original;
  const pairAtCut = /[\ud800-\udbff]/.test(original.charAt(limit - 1));
  return original.slice(0, pairAtCut ? limit - 1 : limit);
}

/** `out` is `original` cut at `limit` without splitting a surrogate pair, or `original` itself. */
function assertCut(out: string, original: string, limit: number, what: string): void {
  assert.equal(out, cutAt(original, limit), original.length <= limit ? what : `${what}: cut at ${out.length} of ${original.length}`);
}

test('hostile names, tags, annotations and endpoints always encode to valid Zipkin JSON, cut at the documented limits', async () => {
  const sink = recordSink();
  const tracer = createTracer({ serviceName: 'fuzz', sink, warnings: false });
  await fc.assert(
    fc.asyncProperty(spanInput, async (input) => {
      sink.records.length = 0;
      const truncatedBefore = tracer.stats().failures.VALUE_TRUNCATED ?? 0;
      await record(tracer, input);
      await tracer.flush();
      assert.equal(sink.records.length, 1);

      const array = JSON.parse(encodeSpans(sink.records)) as unknown[];
      assert.equal(array.length, 1);
      const span = array[0] as { name?: string; tags?: Record<string, string>; annotations?: { value: string }[] };
      assertZipkinSpan(span);
      for (const line of encodeNdjson(sink.records).split('\n').slice(0, -1)) assertValidJsonLine(line);
      // The hand-written encoder says what JSON.stringify of the plain object says.
      assert.deepEqual(span, JSON.parse(JSON.stringify(toZipkinSpan(sink.records[0]!))));
      // And the byte encoders write exactly that text as UTF-8.
      assert.ok(encodeSpansBytes(sink.records).equals(Buffer.from(encodeSpans(sink.records))));
      assert.ok(encodeNdjsonBytes(sink.records).equals(Buffer.from(encodeNdjson(sink.records))));

      if (input.name !== '') assertCut(span.name ?? '', input.name, MAX_NAME_LENGTH, 'name');
      const [key, value] = input.tag;
      if (key !== '') {
        // Looked up by the key the rule gives, not by a prefix: the site tag's key, cut too, can be a
        // prefix of this one (both x…x, one cut before a surrogate).
        const cutKey = cutAt(key, MAX_TAG_KEY_LENGTH);
        assert.ok(Object.hasOwn(span.tags ?? {}, cutKey), `tag key: cut to ${cutKey.length} of ${key.length}, among ${Object.keys(span.tags ?? {}).map((k) => k.length).join(', ')}`);
        assertCut(span.tags?.[cutKey] ?? '', value, MAX_VALUE_LENGTH, 'tag value');
      }
      if (input.annotation !== '') assertCut(span.annotations?.[0]?.value ?? '', input.annotation, MAX_VALUE_LENGTH, 'annotation');
      for (const v of Object.values(span.tags ?? {})) assert.ok(v.length <= MAX_VALUE_LENGTH);
      for (const k of Object.keys(span.tags ?? {})) assert.ok(k.length <= MAX_TAG_KEY_LENGTH);
      if ((key !== '' && value.length > MAX_VALUE_LENGTH) || input.siteTag[1].length > MAX_VALUE_LENGTH) {
        assert.ok((tracer.stats().failures.VALUE_TRUNCATED ?? 0) > truncatedBefore, 'a cut tag value is counted');
      }
    }),
    { numRuns: RUNS },
  );
});

test('a hostile service name and default tags on the tracer still give valid Zipkin JSON, the same bytes from the byte encoders', async () => {
  await fc.assert(
    fc.asyncProperty(hostile.filter((n) => n.trim() !== ''), hostileKey, hostile, async (serviceName, key, value) => {
      const sink = recordSink();
      const tracer = createTracer({ serviceName, sink, warnings: false, ...(key !== '' && { defaultTags: { [key]: value } }) });
      tracer.startSpan('span').end();
      await tracer.traced(async (span) => span.tag('own', value), { name: 'traced' })();
      await tracer.flush();
      for (const line of encodeNdjson(sink.records).split('\n').slice(0, -1)) assertValidJsonLine(line);
      assert.ok(encodeSpansBytes(sink.records).equals(Buffer.from(encodeSpans(sink.records))));
      assert.ok(encodeNdjsonBytes(sink.records).equals(Buffer.from(encodeNdjson(sink.records))));
    }),
    { numRuns: Math.ceil(RUNS / 4) },
  );
});

test('the NDJSON file sink writes one valid Zipkin span per line for hostile strings', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'deferred-span-fuzz-'));
  try {
    const path = join(dir, 'spans.ndjson');
    const tracer = createTracer({ serviceName: 'fuzz', sink: ndjsonFileSink(path), warnings: false });
    const inputs = fc.sample(spanInput, { numRuns: 500, seed: 7 });
    for (const input of inputs) await record(tracer, input);
    const result = await tracer.close();
    assert.equal(result.complete, true);
    const lines = readFileSync(path, 'utf8').split('\n');
    assert.equal(lines.pop(), '', 'the file ends with a newline');
    assert.equal(lines.length, inputs.length);
    for (const line of lines) assertValidJsonLine(line);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
