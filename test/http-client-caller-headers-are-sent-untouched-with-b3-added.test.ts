// The caller's headers, given as a Headers object, an array of pairs or a plain object, arrive at
// the server as they would without tracing, with the span's B3 headers beside them; the caller's
// own object is never changed (frozen here, so a write would throw).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClientSpan, assertSameRequest, b3Of, finishedSpans, recording, seen, serve, spanWithId, spansEnded } from './helpers/http-spans.js';

type HeadersShape = { what: string; make: () => Headers | Array<[string, string]> | Record<string, string>; snapshot: (h: unknown) => unknown };

const shapes: HeadersShape[] = [
  {
    what: 'a Headers object',
    make: () => new Headers([['X-Caller', 'alpha'], ['Accept', 'text/plain'], ['x-multi', 'one']]),
    snapshot: (h) => [...(h as Headers).entries()],
  },
  {
    what: 'an array of pairs',
    make: () => {
      const pairs: Array<[string, string]> = [['X-Caller', 'alpha'], ['Accept', 'text/plain'], ['x-multi', 'one'], ['x-multi', 'two']];
      for (const p of pairs) Object.freeze(p);
      return Object.freeze(pairs) as Array<[string, string]>;
    },
    snapshot: (h) => JSON.parse(JSON.stringify(h)),
  },
  {
    what: 'a plain object',
    make: () => Object.freeze({ 'X-Caller': 'alpha', Accept: 'text/plain', 'x-multi': 'one' }),
    snapshot: (h) => ({ ...(h as Record<string, string>) }),
  },
];

for (const shape of shapes) {
  test(`headers as ${shape.what}: sent as without tracing, B3 added, the caller's object untouched`, async (t) => {
    const server = await serve((_req, res, got) => res.end(JSON.stringify({ caller: got.headers['x-caller'], multi: got.headers['x-multi'] })));
    t.after(() => server.close());
    const r = recording();
    const root = r.tracer.startSpan('root');
    const url = `${server.origin}/with-headers`;

    const plainSeen = await seen(await fetch(url, { headers: shape.make() }));
    const plainGot = server.received.at(-1)!;

    const headers = shape.make();
    const before = shape.snapshot(headers);
    const init: RequestInit = Object.freeze({ headers, method: 'GET' });
    const tracedResponse = await root.fetch(url, init);
    const tracedSeen = await seen(tracedResponse);
    const tracedGot = server.received.at(-1)!;

    assert.deepEqual(shape.snapshot(headers), before, "the caller's headers are unchanged");
    assert.equal(init.headers, headers, "the caller's init still holds the caller's own headers object");
    if (headers instanceof Headers) assert.equal(headers.has('x-b3-spanid'), false);

    assert.deepEqual(tracedSeen, plainSeen, 'the response reads as without tracing');
    assertSameRequest(tracedGot, plainGot);
    assert.equal(tracedGot.headers['x-caller'], 'alpha', "the caller's own header arrives");
    assert.equal(tracedGot.headers.accept, 'text/plain');
    assert.equal(tracedGot.headers['x-multi'], plainGot.headers['x-multi'], 'a repeated header arrives as without tracing');

    await spansEnded(r, 1);
    const b3 = b3Of(tracedGot.headers);
    const span = await spanWithId(r, b3['x-b3-spanid']);
    assert.deepEqual(b3, {
      'x-b3-traceid': root.context.traceId,
      'x-b3-spanid': span.id,
      'x-b3-parentspanid': root.context.spanId,
      'x-b3-sampled': '1',
    });
    assertClientSpan(span, { name: 'GET', parentId: root.context.spanId, traceId: root.context.traceId, method: 'GET', path: '/with-headers', url, status: 200 });

    // Twice with the same headers object: a second span, and still nothing written into the caller's object.
    await seen(await root.fetch(url, init));
    const again = b3Of(server.received.at(-1)!.headers);
    assert.notEqual(again['x-b3-spanid'], span.id, 'each call sends its own span ID');
    assert.deepEqual(shape.snapshot(headers), before);
    await spansEnded(r, 2);

    root.end();
    assert.equal((await finishedSpans(r)).length, 3);
  });
}
