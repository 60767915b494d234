// `b3: 0` (a sampling decision without IDs) is respected: the request is answered as without
// tracing, the handler's span does not record, and nothing is emitted; a downstream fetch from
// it passes the decision on.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { finishedSpans, listen, recording, seen, serve, stop } from './helpers/http-spans.js';

for (const headers of [{ b3: '0' }, { 'x-b3-sampled': '0' }]) {
  test(`a request with ${JSON.stringify(headers)} records no span`, async (t) => {
    const r = recording('server');
    const downstream = await serve();
    t.after(() => downstream.close());
    const recordingFlags: boolean[] = [];
    const traced = http.createServer(r.tracer.httpHandler(async (span, _req, res) => {
      recordingFlags.push(span.isRecording);
      await (await span.fetch(`${downstream.origin}/next`)).text();
      res.end('unsampled');
    }));
    const plain = http.createServer((_req, res) => res.end('unsampled'));
    const [port, plainPort] = await Promise.all([listen(traced), listen(plain)]);
    t.after(() => Promise.all([stop(traced), stop(plain)]));

    assert.deepEqual(await seen(await fetch(`http://127.0.0.1:${port}/`, { headers })), await seen(await fetch(`http://127.0.0.1:${plainPort}/`, { headers })));
    assert.deepEqual(recordingFlags, [false]);
    assert.equal(downstream.received[0]!.headers['x-b3-sampled'], '0', 'the decision is passed on');
    assert.deepEqual(await finishedSpans(r), []);
    assert.equal(r.tracer.stats().started, 0);
  });
}
