// Services already shipping spans with a zipkin-js Logger keep it: spans arrive as model.Span.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import zipkin from 'zipkin';
import { createTracer, extractB3, zipkinLoggerSink } from '../src/index.js';
import { assertZipkinSpan } from './helpers/zipkin-spec.js';

const TRACE = '463ac35c9f6413ad48485a3953bb6124';
const CLIENT = 'a2fb4a1d1a96d312';
const PARENT = '0020000000000001';

test('zipkinLoggerSink hands a zipkin-js Logger model.Spans with every field, which zipkin-js encodes as valid JSON v2', async () => {
  const logged: zipkin.model.Span[] = [];
  const logger = { logSpan: (span: zipkin.model.Span) => void logged.push(span) };
  const tracer = createTracer({ serviceName: 'legacy', sink: zipkinLoggerSink(logger), localEndpoint: { ipv4: '10.0.0.7', port: 8080 } });

  await tracer.traced(async (span) => {
    span.annotate('response headers received');
    span.tag('http.status_code', 200);
  }, { name: 'get fragment', kind: 'CLIENT', remoteEndpoint: { serviceName: 'object-server', ipv4: '10.0.0.9', port: 6000 } })();
  const server = tracer.startSpan('get object', {
    kind: 'SERVER',
    parent: extractB3({ b3: `${TRACE}-${CLIENT}-d-${PARENT}` }),
    join: true,
  });
  server.fail(new Error('disk gone'));
  await tracer.flush();

  assert.equal(logged.length, 2);
  for (const span of logged) assert.ok(span instanceof zipkin.model.Span);
  const [client, joined] = logged;

  assert.match(client!.traceId, /^[0-9a-f]{32}$/);
  assert.match(client!.id, /^[0-9a-f]{16}$/);
  assert.equal(client!.parentId, undefined);
  assert.equal(client!.name, 'get fragment');
  assert.equal(client!.kind, 'CLIENT');
  assert.ok(Number.isInteger(client!.timestamp) && client!.timestamp! > 1e15);
  assert.ok(Number.isInteger(client!.duration) && client!.duration! >= 1);
  assert.deepEqual({ ...client!.localEndpoint }, { serviceName: 'legacy', ipv4: '10.0.0.7', port: 8080 });
  assert.deepEqual({ ...client!.remoteEndpoint }, { serviceName: 'object-server', ipv4: '10.0.0.9', port: 6000 });
  assert.deepEqual(client!.annotations.map((a) => a.value), ['response headers received']);
  assert.ok(client!.annotations[0]!.timestamp >= client!.timestamp!);
  assert.deepEqual(client!.tags, { 'http.status_code': '200' });
  assert.equal(client!.debug, false);
  assert.equal(client!.shared, false);

  assert.deepEqual([joined!.traceId, joined!.id, joined!.parentId], [TRACE, CLIENT, PARENT]);
  assert.equal(joined!.kind, 'SERVER');
  assert.equal(joined!.debug, true);
  assert.equal(joined!.shared, true);
  assert.deepEqual(joined!.tags, { error: 'disk gone' });

  for (const span of logged) {
    const json = JSON.parse(zipkin.jsonEncoder.JSON_V2.encode(span)) as Record<string, unknown>;
    assertZipkinSpan(json);
    assert.equal(json.id, span.id);
  }
});
