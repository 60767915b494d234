// The real Zipkin takes encodeSpansProto3's bytes (`application/x-protobuf` on /api/v2/spans) and
// stores the same spans as from the JSON byte encoder: the same records made twice (the same
// script, the same clock readings, other IDs), one set posted as proto3 and one as JSON, read back
// through /api/v2/trace/{id}, are field for field equal once the IDs are mapped. And a span Zipkin
// rejects in JSON (an ID that is not lowercase hex) it rejects in proto3 too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createTracer,
  encodeSpansBytes,
  encodeSpansProto3,
  extractB3,
  type Clock,
  type SpanRecord,
  type Tracer,
} from '../src/index.js';
import { recordSink } from './helpers/record-sink.js';
import { getTrace, randomHexId, requireZipkinUrl, uniqueServiceName, waitFor, zipkinSkip, type ZipkinSpanJson } from './helpers/zipkin.js';

const skip = zipkinSkip();

async function post(body: Uint8Array, contentType: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${requireZipkinUrl()}/api/v2/spans`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: await res.text() };
}

/** A clock that reads `start`, then 137 µs later at each reading: two tracers on two such clocks see the same times. */
function steppingClock(start: number): Clock {
  let readings = 0;
  return { now: () => start + 137 * readings++ + 0.4 };
}

/** One trace of every shape: the seed client span and its joined SERVER span, 10 tags, errors, non-ASCII, IPv6. */
async function script(tracer: Tracer): Promise<void> {
  const root = tracer.startSpan('GET /Frontpage', { kind: 'SERVER', remoteEndpoint: { ipv6: '2001:db8::c001', port: 51000 } });
  for (let i = 0; i < 3; i++) {
    const client = tracer.startSpan('GET', { kind: 'CLIENT', parent: root, remoteEndpoint: { serviceName: 'backend', ipv4: `10.0.0.${i + 2}`, port: 6200 + i } });
    client.annotate('ws');
    client.tag('http.path', `/objects/obj-${i}/fragment`);
    client.tag('http.status_code', '200');
    client.annotate('wr');
    const server = tracer.startSpan('GET /objects/:id', { kind: 'SERVER', parent: extractB3(client.b3Headers()), join: true, remoteEndpoint: { ipv4: '127.0.0.1', port: 40000 + i } });
    server.tag('http.method', 'GET').tag('http.path', `/objects/obj-${i}/fragment`).tag('http.status_code', '200');
    server.end();
    client.end();
  }
  const traced = tracer.traced(
    async (span, n: number) => {
      span.setRemoteEndpoint({ ipv4: '10.0.0.9', ipv6: '::1', port: 5432 });
      for (let k = 0; k < 10; k++) span.tag(`app.field_${k}`, `value ${k} of call ${n}: ` + 'abcdefghij'.repeat(10).slice(0, 10 + ((n * 7 + k * 11) % 70)));
      span.annotate('ünïcödé 日本語 😀');
    },
    { name: 'Process Item ✓', kind: 'CLIENT', parent: root, tags: { site: 'site tag', 'http.path': 'site path' } },
  );
  for (let n = 0; n < 3; n++) await traced(n);
  await tracer.traced(async () => {
    throw new TypeError('a "quoted" failure ✗');
  }, { name: 'fails', parent: root })().catch(() => undefined);
  const failed = tracer.startSpan('producer', { kind: 'PRODUCER', parent: root });
  failed.fail(new Error('boom'));
  await tracer.traced(async () => 1, { name: 'consumer', kind: 'CONSUMER', parent: root })();
  root.end();
}

async function recordTwice(options: { traceId128Bit: boolean }, serviceName: string): Promise<[SpanRecord[], SpanRecord[]]> {
  const start = Math.round(Date.now() * 1000);
  const made: SpanRecord[][] = [];
  for (let i = 0; i < 2; i++) {
    const sink = recordSink();
    const tracer = createTracer({ serviceName, localEndpoint: { ipv4: '10.1.2.3', port: 8080 }, sink, warnings: false, clock: steppingClock(start), defaultTags: { env: 'test' }, ...options });
    await script(tracer);
    await tracer.flush();
    await tracer.close();
    made.push(sink.records);
  }
  return [made[0]!, made[1]!];
}

/** A trace as Zipkin returns it, its IDs mapped by `ids`, keyed by ID and kind (a joined SERVER span shares its client's ID). */
function byKey(spans: readonly ZipkinSpanJson[], ids: ReadonlyMap<string, string>): Map<string, ZipkinSpanJson> {
  const map = (id: string | undefined): string | undefined => (id === undefined ? undefined : (ids.get(id) ?? `unmapped ${id}`));
  const out = new Map<string, ZipkinSpanJson>();
  for (const s of spans) {
    const mapped: ZipkinSpanJson = { ...s, traceId: map(s.traceId)!, id: map(s.id)! };
    if (s.parentId !== undefined) mapped.parentId = map(s.parentId)!;
    const key = `${mapped.id} ${s.kind ?? 'LOCAL'} ${s.shared === true}`;
    assert.ok(!out.has(key), `one span per key: ${key}`);
    out.set(key, mapped);
  }
  return out;
}

const FIELDS = ['traceId', 'parentId', 'id', 'kind', 'name', 'timestamp', 'duration', 'debug', 'shared', 'localEndpoint', 'remoteEndpoint', 'annotations', 'tags'] as const;

for (const traceId128Bit of [true, false]) {
  test(`Zipkin stores proto3 spans as it stores the same spans sent as JSON (${traceId128Bit ? 128 : 64}-bit trace IDs)`, { skip }, async () => {
    const serviceName = uniqueServiceName('proto3-vs-json');
    const [asProto3, asJson] = await recordTwice({ traceId128Bit }, serviceName);
    assert.equal(asProto3.length, asJson.length);
    assert.equal(asProto3.length, 13);
    const traceProto3 = asProto3[0]!.traceId;
    const traceJson = asJson[0]!.traceId;
    assert.notEqual(traceProto3, traceJson);
    assert.equal(traceProto3.length, traceId128Bit ? 32 : 16);

    const sentProto3 = await post(encodeSpansProto3(asProto3), 'application/x-protobuf');
    assert.equal(sentProto3.status, 202, sentProto3.body);
    const sentJson = await post(encodeSpansBytes(asJson), 'application/json');
    assert.equal(sentJson.status, 202, sentJson.body);

    const n = asProto3.length;
    const storedProto3 = await waitFor(() => getTrace(traceProto3), (t) => t.length >= n, { description: 'the proto3 trace' });
    const storedJson = await waitFor(() => getTrace(traceJson), (t) => t.length >= n, { description: 'the JSON trace' });
    assert.equal(storedProto3.length, n);
    assert.equal(storedJson.length, n);

    // The proto3 set's IDs as the JSON set's: the same script made the records in the same order.
    const ids = new Map<string, string>();
    for (let i = 0; i < n; i++) {
      const a = asProto3[i]!;
      const b = asJson[i]!;
      assert.equal(a.name, b.name);
      for (const [x, y] of [[a.traceId, b.traceId], [a.id, b.id], [a.parentId, b.parentId]] as const) {
        // A root in one set is a root in the other: only a pair of missing parents is passed over.
        assert.equal(x === undefined, y === undefined, `${a.name}: parent in one set only`);
        if (x === undefined || y === undefined) continue;
        // Zipkin pads nothing here (full-length IDs), so its IDs are ours.
        assert.equal(ids.get(x) ?? y, y);
        ids.set(x, y);
      }
    }

    const got = byKey(storedProto3, ids);
    const want = byKey(storedJson, new Map([...ids.values()].map((v) => [v, v])));
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
    for (const [key, w] of want) {
      const g = got.get(key)!;
      for (const field of FIELDS) assert.deepEqual(g[field], w[field], `${w.name} (${key}): ${field}`);
      assert.deepEqual(g, w, `${w.name} (${key}): every field`);
    }
    // What the shapes were meant to carry reached Zipkin.
    const spans = [...got.values()];
    assert.ok(spans.some((s) => s.kind === 'SERVER' && s.shared === true && s.remoteEndpoint?.port === 40000));
    assert.ok(spans.some((s) => s.remoteEndpoint?.ipv6 === '2001:db8::c001'));
    assert.ok(spans.some((s) => s.remoteEndpoint?.ipv4 === '10.0.0.3' && s.remoteEndpoint.port === 6201 && s.annotations?.some((a) => a.value === 'wr')));
    assert.ok(spans.some((s) => Object.keys(s.tags ?? {}).length === 13));
    assert.ok(spans.some((s) => s.tags?.error === 'a "quoted" failure ✗'));
    assert.ok(spans.some((s) => s.annotations?.some((a) => a.value === 'ünïcödé 日本語 😀')));
  });
}

test('a span Zipkin rejects as JSON (an ID that is not lowercase hex) it rejects as proto3 too; a short ID it pads alike', { skip }, async () => {
  const serviceName = uniqueServiceName('proto3-reject');
  const record = (traceId: string, id: string): SpanRecord => ({
    traceId,
    id,
    parentId: undefined,
    name: 'foreign',
    kind: 'CLIENT',
    timestamp: Math.round(Date.now() * 1000),
    duration: 10,
    localEndpoint: { serviceName },
    remoteEndpoint: undefined,
    tags: {},
    annotations: [],
    debug: false,
    shared: false,
  });
  for (const bad of [record('ABCDEF0123456789', '0123456789abcdef'), record('0123456789abcdef', 'not hex at all!!')]) {
    const json = await post(encodeSpansBytes([bad]), 'application/json');
    const proto3 = await post(encodeSpansProto3([bad]), 'application/x-protobuf');
    assert.equal(json.status, 400, `JSON: ${json.body}`);
    assert.equal(proto3.status, 400, `proto3: ${proto3.body}`);
  }
  // 15 digits: Zipkin pads them to 16.
  const shortJson = record('a' + randomHexId(7), '1');
  const shortProto3 = record('b' + randomHexId(7), '1');
  assert.equal((await post(encodeSpansBytes([shortJson]), 'application/json')).status, 202);
  assert.equal((await post(encodeSpansProto3([shortProto3]), 'application/x-protobuf')).status, 202);
  const pad = (id: string): string => id.padStart(16, '0');
  const [a] = await waitFor(() => getTrace(pad(shortJson.traceId)), (t) => t.length === 1, { description: 'the short-ID JSON span' });
  const [b] = await waitFor(() => getTrace(pad(shortProto3.traceId)), (t) => t.length === 1, { description: 'the short-ID proto3 span' });
  assert.equal(a!.id, '0000000000000001');
  assert.equal(b!.id, '0000000000000001');
});
