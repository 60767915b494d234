// The byte encoders write every field of the tracer's own records (tags, annotations, endpoints,
// error tags, names, IDs, times) straight into bytes, with their own string escaping and UTF-8
// writer. These tests hold them to the text encoders byte for byte, field by field, on both of the
// byte encoder's paths: spans of a shared site (a traced function's, from a per-site template) and
// spans of a site of their own (startSpan's: HTTP client and server spans, roots, joined spans).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createTracer,
  encodeNdjson,
  encodeNdjsonBytes,
  encodeSpan,
  encodeSpans,
  encodeSpansBytes,
  extractB3,
  toZipkinSpan,
  type Clock,
  type Endpoint,
  type Span,
  type SpanRecord,
  type Tracer,
} from '../src/index.js';
import { recordSink } from './helpers/record-sink.js';

/**
 * Both byte encoders give exactly the UTF-8 of the text encoders, for the batch and for each span
 * alone, and (unless `parses` is false: an injected clock's NaN is no JSON) the bytes parse to the
 * spans `toZipkinSpan` gives.
 */
function assertSameBytes(records: readonly SpanRecord[], parses = true): void {
  const bytes = encodeSpansBytes(records);
  const text = encodeSpans(records);
  if (!bytes.equals(Buffer.from(text))) assert.equal(bytes.toString('utf8'), text, 'encodeSpansBytes gives the bytes of encodeSpans');
  const ndjson = encodeNdjsonBytes(records);
  if (!ndjson.equals(Buffer.from(encodeNdjson(records)))) assert.equal(ndjson.toString('utf8'), encodeNdjson(records), 'encodeNdjsonBytes gives the bytes of encodeNdjson');
  for (const r of records) {
    const one = encodeSpansBytes([r]);
    if (!one.equals(Buffer.from('[' + encodeSpan(r) + ']'))) assert.equal(one.toString('utf8'), '[' + encodeSpan(r) + ']', 'one span alone');
  }
  if (parses) assert.deepEqual(JSON.parse(bytes.toString('utf8')), records.map((r) => toZipkinSpan(r)));
}

function tracerWith(options: Partial<Parameters<typeof createTracer>[0]> = {}): { tracer: Tracer; records: SpanRecord[] } {
  const sink = recordSink();
  const tracer = createTracer({ serviceName: 'every-field', sink, warnings: false, maxAnnotationsPerSpan: 1000, ...options });
  return { tracer, records: sink.records };
}

/** One hostile character, placed at each position that matters to a four-characters-per-store writer. */
const HOSTILE_CHARS = ['"', '\\', '\n', '\u0001', '\u001f', '\u007f', 'é', '\u0080', '\u07ff', '日', '\u2028', '\u2029', '😀', '\ud800', '\udbff', '\udc00', '\uffff'];
/** Lengths around the word size and around the length from which strings take the native write (48). */
const LENGTHS = [0, 1, 3, 4, 5, 7, 8, 9, 31, 32, 33, 46, 47, 48, 49, 50, 63, 64, 65, 100, 300];

function placed(length: number): string[] {
  const base = 'abcdefghijklmnopqrstuvwxyz0123456789-_./:ABCDEFGHIJKLMNOPQRSTUVWXYZ'.repeat(8).slice(0, length);
  const out = [base];
  if (length === 0) return out;
  const positions = new Set([0, 1, 2, 3, 4, length >> 1, length - 4, length - 3, length - 2, length - 1].filter((i) => i >= 0 && i < length));
  for (const c of HOSTILE_CHARS) for (const i of positions) out.push(base.slice(0, i) + c + base.slice(i + 1));
  return out;
}

/** Plain, hostile and non-ASCII strings, and each hostile character at each position of strings of each length. */
const STRINGS: string[] = [
  'plain',
  'quote " inside',
  'back\\slash \\" \\\\',
  'newline\nreturn\rtab\tformfeed\fbackspace\b',
  Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join(''),
  'delete \u007f and C1 \u0085 \u009f',
  'lone high \ud800 here',
  'lone low \udfff here',
  'ends with a high surrogate \ud83d',
  'swapped pair \ude00\ud83d',
  'valid pairs 😀 𝄞 and 🏳️‍🌈',
  'line separator \u2028 paragraph separator \u2029',
  'ünïcödé 日本語 עברית Ελληνικά',
  '</script><script>alert(1)</script>',
  '{"json":"inside"}',
  '\ud83d'.repeat(70),
  '😀'.repeat(40),
  'é'.repeat(60),
  ...LENGTHS.flatMap(placed),
];

/** Records one span on every path with `s` in every field a span has. */
async function recordEverywhere(tracer: Tracer, s: string, i: number): Promise<void> {
  const remote: Endpoint = { serviceName: 'site ' + s, ipv4: '10.0.0.7', port: 6200 };
  const own: Endpoint = { serviceName: 'own ' + s, ipv6: '2001:db8::c001', port: 443 };
  const fill = (span: Span): void => {
    span.tag('own ' + s, s);
    span.tag('plain', 'v');
    span.annotate(s || 'empty', 1_700_000_000_000_001 + i);
    span.annotate('wr ' + s, 1_700_000_000_000_002 + i);
  };
  const siteTags = { ['site ' + s]: s };
  const name = s || 'unnamed';
  // A traced function (a shared site): plain, with its own remote endpoint, and failed.
  const traced = tracer.traced(async (span, withRemote: boolean) => {
    fill(span);
    if (withRemote) span.setRemoteEndpoint(own);
  }, { name, kind: 'CLIENT', tags: siteTags, remoteEndpoint: remote });
  await traced(false);
  await traced(true);
  await tracer.traced(async () => { throw new Error(s); }, { name })().catch(() => undefined);
  // Sites of their own: a root, a child of a root, a joined server span with debug, each filled.
  const root = tracer.startSpan(name, { kind: 'PRODUCER', tags: siteTags });
  fill(root);
  const child = tracer.startSpan(name, { kind: 'CLIENT', parent: root, remoteEndpoint: remote });
  fill(child);
  child.setRemoteEndpoint(own);
  child.fail(new Error(s));
  const parent = extractB3({ 'x-b3-traceid': root.context.traceId, 'x-b3-spanid': child.context.spanId, 'x-b3-parentspanid': root.context.spanId, 'x-b3-flags': '1' });
  const server = tracer.startSpan(name, { kind: 'SERVER', parent, join: true, remoteEndpoint: { ipv4: '127.0.0.1', port: 40000 + i } });
  fill(server);
  server.end();
  tracer.startSpan(name).end();
  root.end();
}

test('hostile, non-ASCII and long strings in names, tag keys and values, annotations, service names and error tags encode to the same bytes as text, on both paths', async () => {
  const { tracer, records } = tracerWith({ defaultTags: { 'default "key" \u2028': 'default \\ value \u0001 😀 \ud800' } });
  for (let i = 0; i < STRINGS.length; i++) await recordEverywhere(tracer, STRINGS[i]!, i);
  await tracer.flush();
  assert.equal(records.length, STRINGS.length * 7);
  assert.ok(records.some((r) => r.shared && r.debug));
  assertSameBytes(records);
});

test('a hostile service name and default tags (the tracer’s own parts, made once) encode to the same bytes as text', async () => {
  const names = STRINGS.filter((s) => s.trim() !== '' && s.length <= 64).filter((_, i) => i % 3 === 0);
  for (const s of names) {
    const { tracer, records } = tracerWith({ serviceName: s, defaultTags: { [s]: s, plain: 'p' }, localEndpoint: { ipv6: '::1', port: 8080 } });
    await recordEverywhere(tracer, s, 0);
    await tracer.flush();
    assertSameBytes(records);
  }
});

test('endpoints with every combination of service name, IPv4, IPv6 and port encode to the same bytes, as a site’s, a span’s own and the local endpoint', async () => {
  const endpoints: Endpoint[] = [
    { ipv6: '2001:db8::c001' },
    { ipv6: '::1', port: 443 },
    { ipv6: '[fe80::1]', port: 1 },
    { ipv6: '::ffff:10.0.0.7' },
    { ipv4: '10.0.0.7' },
    { ipv4: '255.255.255.255', port: 65535 },
    { port: 8080 },
    { serviceName: 'only-name' },
    { serviceName: 'Name With Ünïcödé', port: 9 },
    { serviceName: 'all', ipv4: '192.168.1.1', ipv6: '2001:DB8::1', port: 12345 },
    { ipv4: '1.2.3.4', ipv6: '::2' },
  ];
  for (const local of [{}, { ipv4: '10.1.1.1' }, { ipv6: '::1', port: 9411 }, { ipv4: '10.1.1.1', ipv6: '2001:db8::', port: 1 }]) {
    const { tracer, records } = tracerWith({ localEndpoint: local });
    for (const e of endpoints) {
      await tracer.traced(async () => 1, { name: 'site remote', kind: 'CLIENT', remoteEndpoint: e })();
      await tracer.traced(async (span) => { span.setRemoteEndpoint(e); }, { name: 'own remote', kind: 'CLIENT', remoteEndpoint: { serviceName: 'overridden' } })();
      tracer.startSpan('site remote', { kind: 'SERVER', remoteEndpoint: e }).end();
      const span = tracer.startSpan('own remote', { kind: 'CLIENT' });
      span.setRemoteEndpoint(e);
      span.tag('k', 'v');
      span.end();
    }
    await tracer.flush();
    assert.equal(records.length, endpoints.length * 4);
    assert.ok(records.some((r) => r.remoteEndpoint?.ipv6 !== undefined && r.remoteEndpoint.port !== undefined));
    assertSameBytes(records);
  }
});

test('default, site and own tags merge as the text encoder merges them: overlaps, keys of Object.prototype, __proto__, integer-like keys, empty maps', async () => {
  const defaultsChoices: (Record<string, string> | undefined)[] = [undefined, {}, { env: 'prod', '2': 'two', a: 'default a' }, { toString: 'default toString' }];
  const siteChoices: (Record<string, string> | undefined)[] = [undefined, { b: 'site b', a: 'site a', '10': 'ten' }, { __proto__: 'site proto' } as unknown as Record<string, string>, { ['__proto__']: 'x' }];
  const ownChoices: [string, string][][] = [
    [],
    [['c', 'own c']],
    [['a', 'own a'], ['1', 'one']],
    [['constructor', 'own constructor'], ['0', 'zero']],
    [['__proto__', 'own proto'], ['hasOwnProperty', 'h']],
    [['env', 'own env'], ['10', 'own ten'], ['z', 'z']],
  ];
  for (const defaultTags of defaultsChoices) {
    const { tracer, records } = tracerWith(defaultTags === undefined ? {} : { defaultTags });
    for (const tags of siteChoices) {
      for (const own of ownChoices) {
        const fill = (span: Span): void => {
          for (const [k, v] of own) span.tag(k, v);
        };
        await tracer.traced(async (span) => fill(span), { name: 'traced', ...(tags !== undefined && { tags }) })();
        const span = tracer.startSpan('started', { ...(tags !== undefined && { tags }) });
        fill(span);
        span.end();
        // A failed span gets an `error` tag of its own, with or without others.
        const failed = tracer.startSpan('failed', { ...(tags !== undefined && { tags }) });
        fill(failed);
        failed.fail(new Error('boom "quoted"'));
      }
    }
    await tracer.flush();
    assert.equal(records.length, siteChoices.length * ownChoices.length * 3);
    assertSameBytes(records);
  }
});

test('repeated annotations are left out as the text encoder leaves them out, pair by pair and past sixteen annotations', async () => {
  const { tracer, records } = tracerWith();
  const T = 1_700_000_000_000_000;
  const patterns: [string, number][][] = [
    [['ws', T], ['ws', T]],
    [['ws', T], ['wr', T], ['ws', T], ['ws', T + 1], ['wr', T]],
    Array.from({ length: 40 }, (_, i): [string, number] => [`event ${i % 7}`, T + (i % 5)]),
    Array.from({ length: 17 }, (): [string, number] => ['same', T]),
    Array.from({ length: 16 }, (_, i): [string, number] => [i % 2 === 0 ? 'even' : 'odd', T]),
  ];
  for (const events of patterns) {
    await tracer.traced(async (span) => { for (const [v, t] of events) span.annotate(v, t); }, { name: 'traced' })();
    const span = tracer.startSpan('started');
    for (const [v, t] of events) span.annotate(v, t);
    span.end();
  }
  await tracer.flush();
  assert.ok(records.some((r) => r.annotations.length === 40 && toZipkinSpan(r).annotations!.length === 35));
  assertSameBytes(records);
});

test('times from an injected clock that are no epoch microseconds (NaN, infinite, negative, fractional, past 2^53) encode as the text encoder writes them', async () => {
  const readings = [Number.NaN, Infinity, -Infinity, -5, -1e12, 0, 1.5, 999_999_999.6, 1e9, 1e15, 1e16 - 1, 1e16, 5e17, 2 ** 53 + 10, 1e300];
  for (const reading of readings) {
    const clock: Clock = { now: () => reading };
    const { tracer, records } = tracerWith({ clock });
    await tracer.traced(async (span) => {
      span.annotate('now');
      span.annotate('now');
      span.annotate('far', 2 ** 60);
      span.annotate('huge', 1e300);
      span.tag('k', 'v');
    }, { name: 'traced' })();
    await tracer.traced(async () => 1, { name: 'plain' })();
    const span = tracer.startSpan('started', { kind: 'CLIENT' });
    span.annotate('now');
    span.annotate('now');
    span.annotate('huge', 1e300);
    span.end(reading * 3);
    tracer.startSpan('plain started').end();
    await tracer.flush();
    assert.equal(records.length, 4);
    assertSameBytes(records, false);
  }
});

test('spans of sites of their own: siblings, interleaved parents, roots and batches that grow the scratch mid-span encode to the same bytes', async () => {
  const { tracer, records } = tracerWith({ traceId128Bit: false });
  const a = tracer.startSpan('parent a');
  const b = tracer.startSpan('parent b', { parent: a });
  const huge = 'x'.repeat(30_000) + '"' + 'é'.repeat(2000);
  for (let i = 0; i < 60; i++) {
    const parent = i % 3 === 0 ? b : a;
    const span = tracer.startSpan('sibling', { kind: 'CLIENT', parent });
    span.tag('http.path', `/objects/${i}`);
    // Now and then a value past the scratch size, written between a prefix and its copies.
    if (i % 7 === 3) span.tag('payload', huge);
    span.end();
    if (i % 10 === 0) tracer.startSpan('root').end();
  }
  b.end();
  a.end();
  await tracer.flush();
  assert.equal(records.length, 68);
  assert.ok(records.some((r) => r.traceId.length === 16));
  assertSameBytes(records);
  // Batch by batch: a batch must not copy a prefix from where the previous batch's bytes were.
  for (let i = 0; i + 5 <= records.length; i += 5) assertSameBytes(records.slice(i, i + 5));
  assertSameBytes([...records].reverse());
});

test('a batch never copies the bytes before a span’s ID from where the previous batch wrote them', async () => {
  const { tracer, records } = tracerWith();
  const parent = tracer.startSpan('parent');
  const child = (): void => tracer.startSpan('child', { parent }).end();
  child();
  child();
  // A shared site's span with a long value: in the next batch it is written first, over where the
  // previous batch had the children's trace and parent ID.
  await tracer.traced(async (span) => { span.tag('long', 'y'.repeat(500)); }, { name: 'site' })();
  parent.end();
  await tracer.flush();
  const [first, second, site] = records as [SpanRecord, SpanRecord, SpanRecord];
  assertSameBytes([site, first]);
  assertSameBytes([first]);
  assertSameBytes([site, second]);
  assertSameBytes([second]);
  for (const batch of [[first], [site, second], [site, first, second]]) {
    assert.ok(encodeNdjsonBytes(batch).equals(Buffer.from(encodeNdjson(batch))));
  }
});
