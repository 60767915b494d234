// A HEAD, a 204 and a 304 have no body to wait for: the span has ended by the time fetch
// resolves, before the caller touches the Response, and the Response reads as without tracing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { monotonicClock } from '../src/index.js';
import { assertClientSpan, assertSameRequest, b3Of, finishedSpans, recording, seen, serve, spanWithId } from './helpers/http-spans.js';

const cases: Array<{ what: string; method: string; headers?: Record<string, string>; status: number }> = [
  { what: 'HEAD', method: 'HEAD', status: 200 },
  { what: '204 No Content', method: 'DELETE', status: 204 },
  { what: '304 Not Modified', method: 'GET', headers: { 'if-none-match': '"v1"' }, status: 304 },
];

for (const c of cases) {
  test(`${c.what}: the span ends at the response headers`, async (t) => {
    const server = await serve((req, res) => {
      res.setHeader('etag', '"v1"');
      if (req.method === 'HEAD') {
        res.setHeader('content-length', '1234');
        res.end();
      } else if (req.headers['if-none-match'] === '"v1"') {
        res.statusCode = 304;
        res.end();
      } else {
        res.statusCode = 204;
        res.end();
      }
    });
    t.after(() => server.close());
    const r = recording();
    const root = r.tracer.startSpan('root');
    const url = `${server.origin}/thing`;
    const init: RequestInit = { method: c.method, ...(c.headers !== undefined && { headers: c.headers }) };

    const plainSeen = await seen(await fetch(url, init));
    const plainGot = server.received.at(-1)!;

    const response = await root.fetch(url, init);
    // Before anything is read: the span has ended already.
    assert.equal(r.tracer.stats().ended, 1, 'ended when fetch resolved');
    assert.equal(r.tracer.stats().open, 1, 'only the root is open');
    const resolvedAt = monotonicClock.now(); // the tracer's own clock
    const tracedSeen = await seen(response);
    const tracedGot = server.received.at(-1)!;

    assert.equal(response.status, c.status);
    assert.deepEqual(tracedSeen, plainSeen);
    assertSameRequest(tracedGot, plainGot);

    const span = await spanWithId(r, b3Of(tracedGot.headers)['x-b3-spanid']);
    assertClientSpan(span, { name: c.method, parentId: root.context.spanId, method: c.method, path: '/thing', url, status: c.status });
    assert.ok(span.timestamp! + span.duration! <= resolvedAt, 'the span ended no later than fetch resolved');
    assert.equal(span.tags?.['http.body'], undefined);
    root.end();
    assert.equal((await finishedSpans(r)).length, 2);
  });
}
