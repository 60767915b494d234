// By default a request with B3 IDs joins its client's span (Zipkin's shared span): the SERVER
// span has the client span's ID and parent, and `shared: true`. The handler sees the request and
// answers as without tracing.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { finishedSpans, listen, onlySpan, recording, seen, spansEnded, stop, tagsOf } from './helpers/http-spans.js';

test('a request from span.fetch is joined: same span ID, shared', async (t) => {
  const client = recording('client');
  const server = recording('server');
  const handled: http.IncomingHttpHeaders[] = [];
  const plain = http.createServer((req, res) => {
    handled.push(req.headers);
    res.end(`hello ${req.url}`);
  });
  const traced = http.createServer(server.tracer.httpHandler((_span, req, res) => {
    handled.push(req.headers);
    res.end(`hello ${req.url}`);
  }));
  const [plainPort, tracedPort] = await Promise.all([listen(plain), listen(traced)]);
  t.after(() => Promise.all([stop(plain), stop(traced)]));

  const root = client.tracer.startSpan('root');
  const plainSeen = await seen(await root.fetch(`http://127.0.0.1:${plainPort}/objects/1?v=2`));
  const tracedSeen = await seen(await root.fetch(`http://127.0.0.1:${tracedPort}/objects/1?v=2`));
  assert.deepEqual(tracedSeen, plainSeen);
  assert.deepEqual(handled[1], { ...handled[0], host: handled[1]!.host, 'x-b3-spanid': handled[1]!['x-b3-spanid'] }, 'the handler sees the request unchanged');

  await spansEnded(client, 2);
  await spansEnded(server, 1);
  root.end();
  const clientSpans = await finishedSpans(client);
  const serverSpan = onlySpan(await finishedSpans(server));
  const clientSpan = onlySpan(clientSpans, (s) => s.id === handled[1]!['x-b3-spanid']);
  assert.equal(serverSpan.kind, 'SERVER');
  assert.equal(serverSpan.id, clientSpan.id, 'the same span ID');
  assert.equal(serverSpan.traceId, clientSpan.traceId);
  assert.equal(serverSpan.parentId, root.context.spanId, "the client span's parent");
  assert.equal(serverSpan.shared, true);
  assert.equal(serverSpan.name, 'GET');
  assert.equal(tagsOf(serverSpan)['http.method'], 'GET');
  assert.equal(tagsOf(serverSpan)['http.path'], '/objects/1');
  assert.equal(tagsOf(serverSpan)['http.status_code'], '200');
  assert.equal(serverSpan.remoteEndpoint?.ipv4, '127.0.0.1');
});
