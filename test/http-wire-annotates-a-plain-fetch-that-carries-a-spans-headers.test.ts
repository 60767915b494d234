// Code of the user's own (a plain fetch, an SDK that takes extra headers) sending span.b3Headers()
// or span.headers(): the wire events of that request are matched by the span ID it carries, and
// the span gets ws/wr and the peer as span.fetch's spans do. Nothing stays subscribed afterwards.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { annotationsOf, finishedSpans, onlySpan, recording, serve, wireUnsubscribed } from './helpers/http-spans.js';

test('a plain fetch with span.b3Headers() annotates that span', async (t) => {
  const server = await serve();
  t.after(() => server.close());
  const r = recording('client');
  const span = r.tracer.startSpan('get fragment', { kind: 'CLIENT' });
  const res = await fetch(`${server.origin}/fragment`, { headers: span.b3Headers() });
  await res.arrayBuffer();
  span.end();
  const recorded = onlySpan(await finishedSpans(r));
  assert.deepEqual(annotationsOf(recorded), ['ws', 'wr']);
  assert.equal(recorded.remoteEndpoint?.ipv4, '127.0.0.1', 'the peer from the socket');
  assert.equal(recorded.remoteEndpoint?.port, server.port);
  await wireUnsubscribed();
});

test('headers taken but never sent hold nothing once the span ends', async () => {
  const r = recording('client');
  const span = r.tracer.startSpan('never sent', { kind: 'CLIENT' });
  span.headers();
  span.end();
  const recorded = onlySpan(await finishedSpans(r));
  assert.equal(recorded.annotations, undefined);
  await wireUnsubscribed();
});
