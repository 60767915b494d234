// A request body, a string or a ReadableStream sent with `duplex: 'half'`, arrives at the server
// byte for byte as without tracing; the span is one CLIENT span tagged with the method.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClientSpan, assertSameRequest, b3Of, finishedSpans, recording, seen, serve, spanWithId, spansEnded } from './helpers/http-spans.js';

const CHUNKS = ['first chunk;', 'second chunk;', 'ünïcode ✓;'];

/** A fresh stream of CHUNKS (a stream body can be sent once). */
function streamBody(): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = CHUNKS[i++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(encoder.encode(chunk));
    },
  });
}

const bodies: Array<{ what: string; init: () => RequestInit & { duplex?: 'half' }; expected: string }> = [
  { what: 'a string', init: () => ({ method: 'POST', body: 'name=value&other=thing', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), expected: 'name=value&other=thing' },
  { what: 'a ReadableStream with duplex half', init: () => ({ method: 'PUT', body: streamBody(), duplex: 'half' }), expected: CHUNKS.join('') },
];

for (const b of bodies) {
  test(`a request body as ${b.what} arrives as without tracing`, async (t) => {
    const server = await serve((_req, res, got) => res.end(`got ${Buffer.byteLength(got.body)} bytes`));
    t.after(() => server.close());
    const r = recording();
    const root = r.tracer.startSpan('root');
    const url = `${server.origin}/upload`;

    const plainSeen = await seen(await fetch(url, b.init()));
    const plainGot = server.received.at(-1)!;
    const init = b.init();
    const tracedSeen = await seen(await root.fetch(url, init));
    const tracedGot = server.received.at(-1)!;

    assert.equal(plainGot.body, b.expected);
    assert.deepEqual(tracedSeen, plainSeen);
    assertSameRequest(tracedGot, plainGot);
    if (init.body instanceof ReadableStream) assert.equal(init.body.locked, true, 'the stream was consumed by fetch, as without tracing');

    await spansEnded(r, 1);
    const span = await spanWithId(r, b3Of(tracedGot.headers)['x-b3-spanid']);
    const method = String(init.method);
    assertClientSpan(span, { name: method, parentId: root.context.spanId, traceId: root.context.traceId, method, path: '/upload', url, status: 200 });
    root.end();
    assert.equal((await finishedSpans(r)).length, 2);
  });
}
