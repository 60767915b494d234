// undici's diagnostics channels are subscribed only while traced requests are being watched:
// during a request wireSubscribed() is true, and once every request has settled (answered,
// failed, aborted, bodyless, cancelled) it turns false again within a deadline.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wireSubscribed } from '../src/http/wire.js';
import { closedPort, deferred, finishedSpans, recording, serve, spansEnded, wireUnsubscribed } from './helpers/http-spans.js';

test('the wire is subscribed while traced requests are in flight and not once they have all settled', async (t) => {
  const gate = deferred();
  const server = await serve((req, res) => {
    if (req.url === '/gated') void gate.promise.then(() => res.end('late'));
    else if (req.url === '/missing') {
      res.statusCode = 404;
      res.end('no');
    } else if (req.url === '/never') {
      // never answers: the caller aborts
    } else if (req.url === '/endless') res.write('and on');
    else res.end('ok');
  });
  t.after(() => server.close());
  await wireUnsubscribed();
  const r = recording();
  const root = r.tracer.startSpan('root');
  const base = server.origin;

  const gated = root.fetch(`${base}/gated`).then((res) => res.text());
  await server.nextRequest();
  assert.equal(wireSubscribed(), true, 'subscribed while a traced request is in flight');

  const controller = new AbortController();
  const down = await closedPort();
  const arrivedNever = server.nextRequest();
  const outcomes = Promise.allSettled([
    root.fetch(`${base}/ok`).then((res) => res.text()),
    root.fetch(`${base}/missing`).then((res) => res.text()),
    root.fetch(`${base}/ok`, { method: 'HEAD' }).then((res) => res.status),
    root.fetch(`http://127.0.0.1:${down}/`),
    root.fetch(`${base}/never`, { signal: controller.signal }),
    root.fetch(`${base}/endless`).then(async (res) => {
      const reader = res.body!.getReader();
      await reader.read();
      await reader.cancel();
      return 'cancelled';
    }),
  ]);
  await arrivedNever;
  controller.abort();
  gate.resolve();
  assert.equal(await gated, 'late');
  const settled = await outcomes;
  assert.deepEqual(settled.map((s) => s.status), ['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);

  await spansEnded(r, 7);
  await wireUnsubscribed();
  assert.equal(wireSubscribed(), false);
  root.end();
  assert.equal((await finishedSpans(r)).length, 8);
});
