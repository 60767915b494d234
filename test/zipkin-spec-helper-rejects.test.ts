// The span checker must accept what Zipkin accepts and name every rule a span breaks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertValidJsonLine, assertZipkinSpan, isIpv4, isIpv6, zipkinSpanProblems } from './helpers/zipkin-spec.js';

// The example span of zipkin2-api.yaml (definitions.Span.example).
const example = {
  id: '352bff9a74ca9ad2',
  traceId: '5af7183fb1d4cf5f',
  parentId: '6b221d5bc9e6496c',
  name: 'get /api',
  timestamp: 1556604172355737,
  duration: 1431,
  kind: 'SERVER',
  localEndpoint: { serviceName: 'backend', ipv4: '192.168.99.1', port: 3306 },
  remoteEndpoint: { ipv4: '172.19.0.2', port: 58648 },
  tags: { 'http.method': 'GET', 'http.path': '/api' },
};

test('the example span of the yaml passes, as JSON text too', () => {
  assert.deepEqual(zipkinSpanProblems(example), []);
  assertZipkinSpan(example);
  assertZipkinSpan({ traceId: '4e441824ec2b6a44ffdc9bb9a6453df3', id: 'ffdc9bb9a6453df3' });
  assert.deepEqual(assertValidJsonLine(JSON.stringify(example)), example);
});

test('each broken rule is named by its path', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['traceId', { traceId: undefined }],
    ['traceId', { traceId: '5AF7183FB1D4CF5F' }],
    ['traceId', { traceId: '5af7183fb1d4cf5f00' }],
    ['traceId', { traceId: '0000000000000000' }],
    ['id', { id: undefined }],
    ['id', { id: '352bff9a74ca9ad' }],
    ['id', { id: '0000000000000000' }],
    ['parentId', { parentId: '6b221d5bc9e6496c6b221d5bc9e6496c' }],
    ['parentId', { parentId: '0000000000000000' }],
    ['name', { name: 7 }],
    ['kind', { kind: 'client' }],
    ['timestamp', { timestamp: 1556604172355.737 }],
    ['timestamp', { timestamp: 1556604172355 }],
    ['duration', { duration: 0 }],
    ['duration', { duration: 1.5 }],
    ['debug', { debug: 'true' }],
    ['shared', { shared: 1 }],
    ['localEndpoint.serviceName', { localEndpoint: { serviceName: 'Backend' } }],
    ['localEndpoint.ipv4', { localEndpoint: { serviceName: 'b', ipv4: '256.1.1.1' } }],
    ['remoteEndpoint.ipv6', { remoteEndpoint: { ipv6: '2001:db8::g' } }],
    ['remoteEndpoint.port', { remoteEndpoint: { port: 0 } }],
    ['remoteEndpoint.port', { remoteEndpoint: { port: 65536 } }],
    ['remoteEndpoint.port', { remoteEndpoint: { port: Number.NaN } }],
    ['remoteEndpoint.host', { remoteEndpoint: { host: 'x' } }],
    ['annotations', { annotations: {} }],
    ['annotations[0].timestamp', { annotations: [{ timestamp: 1556604172355737.5, value: 'a' }] }],
    ['annotations[0].value', { annotations: [{ timestamp: 1556604172355737, value: 1 }] }],
    ['annotations[1]', { annotations: [{ timestamp: 1556604172355737, value: 'a' }, { timestamp: 1556604172355737, value: 'a' }] }],
    ['tags.n', { tags: { n: 1 } }],
    ['tags', { tags: [] }],
    ['binaryAnnotations', { binaryAnnotations: [] }],
  ];
  for (const [path, change] of cases) {
    const span = { ...example, ...change };
    const problems = zipkinSpanProblems(span);
    assert.ok(problems.length > 0 && problems.every((p) => p.startsWith(path)), `${JSON.stringify(change)}: ${problems.join('; ')}`);
    assert.throws(() => assertZipkinSpan(span), { name: 'AssertionError' });
  }
  assert.throws(() => assertValidJsonLine('{"traceId":'), { name: 'AssertionError', message: /not JSON/ });
});

test('IP addresses are checked by their text form', () => {
  for (const ok of ['0.0.0.0', '127.0.0.1', '255.255.255.255']) assert.equal(isIpv4(ok), true, ok);
  for (const bad of ['x', '1.2.3', '01.2.3.4', '1.2.3.4.5', '1.2.3.256', ' 1.2.3.4']) assert.equal(isIpv4(bad), false, bad);
  for (const ok of ['::', '::1', '2001:db8::c001', 'fe80::1:2:3:4:5:6', '1:2:3:4:5:6:7:8', '::ffff:10.0.0.1', '2001:DB8::1']) {
    assert.equal(isIpv6(ok), true, ok);
  }
  for (const bad of ['1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1::2::3', '[::1]', 'fe80::1%eth0', '12345::', ':1::', '1.2.3.4::', '::1.2.3']) {
    assert.equal(isIpv6(bad), false, bad);
  }
});
