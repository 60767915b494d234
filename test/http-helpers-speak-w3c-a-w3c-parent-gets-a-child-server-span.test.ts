// With propagation ['w3c'] the HTTP helpers send traceparent (with wire annotations still matched
// to the span), and a server that receives only traceparent makes a child SERVER span: W3C has no
// shared-span model, so it never joins.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { annotationsOf, finishedSpans, listen, onlySpan, recording, stop, wireUnsubscribed } from './helpers/http-spans.js';

test('span.fetch sends traceparent, and the server makes a child of the client span', async (t) => {
  const client = recording('client', { propagation: ['w3c'] });
  const server = recording('server', { propagation: ['w3c'] });
  const received: http.IncomingHttpHeaders[] = [];
  const traced = http.createServer(server.tracer.httpHandler((_span, req, res) => {
    received.push(req.headers);
    res.end('ok');
  }));
  const port = await listen(traced);
  t.after(() => stop(traced));

  const root = client.tracer.startSpan('root');
  const res = await root.fetch(`http://127.0.0.1:${port}/objects/1`);
  assert.equal(await res.text(), 'ok');
  root.end();
  const clientSpans = await finishedSpans(client);
  const serverSpans = await finishedSpans(server);
  const call = onlySpan(clientSpans, (s) => s.kind === 'CLIENT', 'client span');
  const handled = onlySpan(serverSpans, (s) => s.kind === 'SERVER', 'server span');

  assert.equal(received[0]?.traceparent, `00-${call.traceId}-${call.id}-03`);
  assert.equal(received[0]?.['x-b3-traceid'], undefined, 'no B3 when not configured');
  assert.deepEqual(annotationsOf(call), ['ws', 'wr'], 'the wire is matched by the traceparent span ID');
  assert.equal(handled.traceId, call.traceId);
  assert.equal(handled.parentId, call.id, 'a child of the client span');
  assert.notEqual(handled.id, call.id, 'not joined');
  assert.equal(handled.shared, undefined);
  await wireUnsubscribed();
});

test('with B3 and W3C both sent, the server joins through B3 and keeps the tracestate', async (t) => {
  const server = recording('server', { propagation: ['b3', 'w3c'] });
  let tracestate: string | undefined;
  const traced = http.createServer(server.tracer.httpHandler((span, _req, res) => {
    tracestate = span.context.tracestate;
    res.end('ok');
  }));
  const port = await listen(traced);
  t.after(() => stop(traced));
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const res = await fetch(`http://127.0.0.1:${port}/`, {
    headers: { 'x-b3-traceid': traceId, 'x-b3-spanid': 'aaaaaaaaaaaaaaaa', 'x-b3-sampled': '1', traceparent: `00-${traceId}-aaaaaaaaaaaaaaaa-01`, tracestate: 'rojo=1' },
  });
  await res.text();
  const handled = onlySpan(await finishedSpans(server));
  assert.equal(handled.id, 'aaaaaaaaaaaaaaaa');
  assert.equal(handled.shared, true);
  assert.equal(tracestate, 'rojo=1');
});
