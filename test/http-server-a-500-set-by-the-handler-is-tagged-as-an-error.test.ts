// A handler that answers 500 itself: the client gets the handler's answer as without tracing, and
// the SERVER span is tagged http.status_code 500 and error 500, ended once. A 4xx is not the
// server's error (the Tracer documents `error` for 500 and above).
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { finishedSpans, listen, onlySpan, recording, seen, spansEnded, stop, tagsOf } from './helpers/http-spans.js';

for (const { status, error } of [{ status: 500, error: '500' }, { status: 404, error: undefined }]) {
  test(`a ${status} answered by the handler: error tag ${String(error)}`, async (t) => {
    const r = recording('server');
    const answer = (res: http.ServerResponse): void => {
      res.statusCode = status;
      res.setHeader('content-type', 'text/plain');
      res.end(`answered ${status}`);
    };
    const plain = http.createServer((_req, res) => answer(res));
    const traced = http.createServer(r.tracer.httpHandler((_span, _req, res) => answer(res)));
    const [plainPort, tracedPort] = await Promise.all([listen(plain), listen(traced)]);
    t.after(() => Promise.all([stop(plain), stop(traced)]));

    const plainSeen = await seen(await fetch(`http://127.0.0.1:${plainPort}/x`));
    const tracedSeen = await seen(await fetch(`http://127.0.0.1:${tracedPort}/x`));
    assert.deepEqual(tracedSeen, plainSeen);

    await spansEnded(r, 1);
    const span = onlySpan(await finishedSpans(r));
    assert.equal(span.kind, 'SERVER');
    assert.equal(tagsOf(span)['http.status_code'], String(status));
    assert.equal(tagsOf(span).error, error);
  });
}
