// Brave's HTTP rule: a status outside 100..399 is an error whose `error` tag is the status code.
// fetch still resolves with the Response, whose body reads as without tracing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClientSpan, assertSameRequest, b3Of, finishedSpans, recording, seen, serve, spanWithId, spansEnded } from './helpers/http-spans.js';

for (const status of [404, 503]) {
  test(`a ${status} resolves as without tracing and tags the span error: ${status}`, async (t) => {
    const server = await serve((_req, res) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      if (status === 503) res.setHeader('retry-after', '1');
      res.end(JSON.stringify({ problem: `status ${status}` }));
    });
    t.after(() => server.close());
    const r = recording();
    const root = r.tracer.startSpan('root');
    const url = `${server.origin}/missing`;

    const plainSeen = await seen(await fetch(url));
    const response = await root.fetch(url);
    assert.equal(response.ok, false);
    const tracedSeen = await seen(response);
    assert.deepEqual(tracedSeen, plainSeen);
    assert.equal(tracedSeen.status, status);
    assertSameRequest(server.received[1]!, server.received[0]!);

    await spansEnded(r, 1);
    const span = await spanWithId(r, b3Of(server.received[1]!.headers)['x-b3-spanid']);
    assertClientSpan(span, { name: 'GET', parentId: root.context.spanId, method: 'GET', path: '/missing', url, status, error: String(status) });
    root.end();
    assert.equal((await finishedSpans(r)).length, 2);
  });
}
