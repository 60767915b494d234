// With `join: false` the SERVER span is a child of the client's span instead of sharing it: a new
// span ID, the client span as parent, not shared.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { finishedSpans, listen, onlySpan, recording, seen, spansEnded, stop, tagsOf } from './helpers/http-spans.js';

test('join: false makes the server span a child of the client span', async (t) => {
  const client = recording('client');
  const server = recording('server');
  let sentSpanId: string | undefined;
  const handler = server.tracer.httpHandler((span, req, res) => {
    sentSpanId = req.headers['x-b3-spanid'] as string;
    assert.notEqual(span.context.spanId, sentSpanId);
    res.end('child');
  }, { join: false });
  const traced = http.createServer(handler);
  const plain = http.createServer((_req, res) => res.end('child'));
  const [port, plainPort] = await Promise.all([listen(traced), listen(plain)]);
  t.after(() => Promise.all([stop(traced), stop(plain)]));

  const root = client.tracer.startSpan('root');
  assert.deepEqual(await seen(await root.fetch(`http://127.0.0.1:${port}/c`)), await seen(await fetch(`http://127.0.0.1:${plainPort}/c`)));
  await spansEnded(client, 1);
  await spansEnded(server, 1);
  root.end();
  const clientSpan = onlySpan(await finishedSpans(client), (s) => s.kind === 'CLIENT');
  const serverSpan = onlySpan(await finishedSpans(server));
  assert.equal(clientSpan.id, sentSpanId);
  assert.equal(serverSpan.kind, 'SERVER');
  assert.equal(serverSpan.traceId, clientSpan.traceId);
  assert.equal(serverSpan.parentId, clientSpan.id, 'a child of the client span');
  assert.notEqual(serverSpan.id, clientSpan.id);
  assert.equal(serverSpan.shared, undefined, 'not shared');
  assert.equal(tagsOf(serverSpan)['http.status_code'], '200');
});
