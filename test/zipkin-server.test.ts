// Checks the real Zipkin server the suite runs against (see scripts/test.mjs and scripts/zipkin.sh),
// and documents how it treats what we POST.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getServices, getTrace, postSpans, randomHexId, uniqueServiceName, waitFor, zipkinSkip } from './helpers/zipkin.js';

test('Zipkin accepts a hand-written v2 span with 202 and returns it from /api/v2/trace/{id}', { skip: zipkinSkip() }, async () => {
  const serviceName = uniqueServiceName('zipkin-server-test');
  const traceId = randomHexId(16);
  const id = randomHexId(8);
  const timestamp = Date.now() * 1000; // epoch microseconds, an integer
  const span = {
    traceId,
    id,
    name: 'get /hello',
    kind: 'SERVER',
    timestamp,
    duration: 1234,
    localEndpoint: { serviceName, ipv4: '127.0.0.1', port: 8080 },
    tags: { 'http.method': 'GET', 'http.path': '/hello' },
    annotations: [{ timestamp: timestamp + 10, value: 'wr' }],
  };

  const posted = await postSpans([span]);
  assert.equal(posted.status, 202, posted.body);

  const trace = await waitFor(() => getTrace(traceId), (spans) => spans.length > 0, {
    timeoutMs: 10_000,
    description: `trace ${traceId}`,
  });
  assert.deepEqual(trace, [span]);

  const services = await waitFor(getServices, (names) => names.includes(serviceName), {
    timeoutMs: 10_000,
    description: `service ${serviceName}`,
  });
  assert.ok(services.includes(serviceName));
});

test('Zipkin rejects the whole POST with 400 when one span has an invalid ID', { skip: zipkinSkip() }, async () => {
  const serviceName = uniqueServiceName('zipkin-server-test');
  const traceId = randomHexId(16);
  const timestamp = Date.now() * 1000;
  const good = { traceId, id: randomHexId(8), name: 'good', timestamp, duration: 1, localEndpoint: { serviceName } };
  const bad = { ...good, id: 'NOT-A-HEX-ID', name: 'bad' };

  const posted = await postSpans([good, bad]);
  assert.equal(posted.status, 400, posted.body);
  assert.match(posted.body, /NOT-A-HEX-ID should be lower-hex encoded/);

  // The valid span in the same request was not stored either. Prove the server is otherwise
  // processing POSTs by sending a marker span for the same trace and waiting until it is readable:
  // by then the good span would have been visible too, had it been stored.
  const marker = { ...good, id: randomHexId(8), name: 'marker' };
  assert.equal((await postSpans([marker])).status, 202);
  const trace = await waitFor(() => getTrace(traceId), (spans) => spans.length > 0, {
    timeoutMs: 10_000,
    description: `trace ${traceId}`,
  });
  assert.deepEqual(trace.map((s) => s.name), ['marker']);
});
