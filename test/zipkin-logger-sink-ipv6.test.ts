// zipkin-js's model.Endpoint has no ipv6 field, but its JSON v2 encoder writes whatever the
// endpoint object holds: an IPv6-only peer must not vanish on the way through a Logger.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import zipkin from 'zipkin';
import { createTracer, zipkinLoggerSink } from '../src/index.js';
import { assertZipkinSpan } from './helpers/zipkin-spec.js';

test('zipkinLoggerSink keeps IPv6 addresses, also of an endpoint that has nothing else', async () => {
  const logged: zipkin.model.Span[] = [];
  const tracer = createTracer({
    serviceName: 'v6',
    sink: zipkinLoggerSink({ logSpan: (span) => void logged.push(span) }),
    localEndpoint: { ipv6: '2001:db8::7', port: 8080 },
  });
  await tracer.traced(() => 'ok', { kind: 'CLIENT', remoteEndpoint: { ipv6: '2001:db8::c001' } })();
  await tracer.flush();

  const json = JSON.parse(zipkin.jsonEncoder.JSON_V2.encode(logged[0]!)) as Record<string, unknown>;
  assertZipkinSpan(json);
  assert.deepEqual(json.localEndpoint, { serviceName: 'v6', ipv6: '2001:db8::7', port: 8080 });
  assert.deepEqual(json.remoteEndpoint, { ipv6: '2001:db8::c001' });
});
