// A request with no B3 headers starts a new trace: a root SERVER span named after the method,
// tagged with the method and the path (no query), its remote endpoint the client's socket.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { finishedSpans, listen, recording, seen, spansEnded, stop, tagsOf } from './helpers/http-spans.js';

test('a request without B3 starts a new trace per request', async (t) => {
  const r = recording('server');
  const peers: Array<{ address: string | undefined; port: number | undefined }> = [];
  const traced = http.createServer(r.tracer.httpHandler((span, req, res) => {
    assert.equal(span.isRecording, true);
    peers.push({ address: req.socket.remoteAddress, port: req.socket.remotePort });
    res.end('fresh');
  }));
  const plain = http.createServer((_req, res) => res.end('fresh'));
  const [port, plainPort] = await Promise.all([listen(traced), listen(plain)]);
  t.after(() => Promise.all([stop(traced), stop(plain)]));

  const plainSeen = await seen(await fetch(`http://127.0.0.1:${plainPort}/search?q=x`, { method: 'POST', body: 'b' }));
  for (let i = 0; i < 2; i++) {
    assert.deepEqual(await seen(await fetch(`http://127.0.0.1:${port}/search?q=x`, { method: 'POST', body: 'b' })), plainSeen);
  }
  await spansEnded(r, 2);
  const spans = await finishedSpans(r);
  assert.equal(spans.length, 2);
  assert.notEqual(spans[0]!.traceId, spans[1]!.traceId, 'a trace per request');
  spans.forEach((span, i) => {
    assert.equal(span.kind, 'SERVER');
    assert.equal(span.parentId, undefined, 'a root');
    assert.equal(span.shared, undefined);
    assert.equal(span.name, 'POST');
    assert.equal(tagsOf(span)['http.method'], 'POST');
    assert.equal(tagsOf(span)['http.path'], '/search');
    assert.equal(tagsOf(span)['http.status_code'], '200');
    assert.equal(tagsOf(span).error, undefined);
    const peer = peers[i]!;
    assert.deepEqual(span.remoteEndpoint, { ipv4: peer.address!.replace(/^::ffff:/, ''), port: peer.port });
  });
});
