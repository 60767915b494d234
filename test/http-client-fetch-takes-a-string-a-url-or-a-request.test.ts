// span.fetch takes what fetch takes: a string, a URL object or a Request, whose method, headers
// and body are kept. The request arrives and the response reads as without tracing, and each call
// records one CLIENT span, a child of the span, ended once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClientSpan, assertSameRequest, b3Of, finishedSpans, recording, seen, serve, spansEnded, spanWithId } from './helpers/http-spans.js';

test('a string, a URL and a Request each make one CLIENT span and reach the server as a plain fetch does', async (t) => {
  const server = await serve((req, res, got) => {
    res.setHeader('x-answer', `${got.method} ${got.url}`);
    res.end(`body of ${got.method} ${got.url}: ${got.body}`);
  });
  t.after(() => server.close());
  const r = recording();
  const root = r.tracer.startSpan('root');
  const url = `${server.origin}/objects/7?part=2`;

  const cases: Array<{ what: string; input: () => string | URL | Request; method: string }> = [
    { what: 'a string', input: () => url, method: 'GET' },
    { what: 'a URL', input: () => new URL(url), method: 'GET' },
    {
      what: 'a Request',
      // A Request's body can be used once: a new one for each call.
      input: () => new Request(url, { method: 'PUT', headers: { 'x-from-request': 'yes', 'content-type': 'text/plain' }, body: 'the request body' }),
      method: 'PUT',
    },
  ];

  let ended = 0;
  for (const c of cases) {
    const plainResponse = await fetch(c.input());
    const plainSeen = await seen(plainResponse);
    const plainGot = server.received.at(-1)!;

    const input = c.input();
    const tracedResponse = await root.fetch(input);
    assert.ok(tracedResponse instanceof Response, `${c.what}: fetch's own Response`);
    const tracedSeen = await seen(tracedResponse);
    const tracedGot = server.received.at(-1)!;

    assert.deepEqual(tracedSeen, plainSeen, `${c.what}: the response reads as without tracing`);
    assertSameRequest(tracedGot, plainGot);
    assert.equal(tracedGot.method, c.method, `${c.what}: the method`);
    if (input instanceof Request) {
      assert.equal(tracedGot.headers['x-from-request'], 'yes', "the Request's own headers are sent");
      assert.equal(tracedGot.body, 'the request body', "the Request's body is sent");
      assert.equal(input.headers.get('x-b3-spanid'), null, "the caller's Request is not given B3 headers");
      assert.deepEqual([...input.headers.keys()].sort(), ['content-type', 'x-from-request']);
    }

    await spansEnded(r, ++ended);
    const b3 = b3Of(tracedGot.headers);
    const span = await spanWithId(r, b3['x-b3-spanid']);
    assert.deepEqual(b3, { 'x-b3-traceid': span.traceId, 'x-b3-spanid': span.id, 'x-b3-parentspanid': root.context.spanId, 'x-b3-sampled': '1' }, `${c.what}: B3 headers`);
    assertClientSpan(span, {
      name: c.method,
      parentId: root.context.spanId,
      traceId: root.context.traceId,
      method: c.method,
      path: '/objects/7',
      url,
      status: 200,
    });
    assert.deepEqual(span.remoteEndpoint, { ipv4: '127.0.0.1', port: server.port });
  }

  root.end();
  const spans = await finishedSpans(r);
  assert.equal(spans.length, cases.length + 1, 'one span per call, and the root');
});
