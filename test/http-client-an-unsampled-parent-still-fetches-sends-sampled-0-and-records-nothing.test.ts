// Under an unsampled parent (a tracer with sampleRate 0), span.fetch and span.request still work
// as without tracing, send `x-b3-sampled: 0` so the servers downstream do not sample either, and
// record nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSameRequest, finishedSpans, recording, seen, serve } from './helpers/http-spans.js';

test('an unsampled parent: fetch and request work, x-b3-sampled: 0 is sent, no span is recorded', async (t) => {
  const server = await serve((_req, res, got) => res.end(`echo ${got.body}`));
  t.after(() => server.close());
  const r = recording('client', { sampleRate: 0 });
  const root = r.tracer.startSpan('root');
  assert.equal(root.isRecording, false);
  const url = `${server.origin}/quiet`;

  const plain = await seen(await fetch(url, { method: 'POST', body: 'hello' }));
  const traced = await seen(await root.fetch(url, { method: 'POST', body: 'hello' }));
  assert.deepEqual(traced, plain);
  assertSameRequest(server.received[1]!, server.received[0]!);
  const sent = server.received[1]!.headers;
  assert.equal(sent['x-b3-sampled'], '0', 'the decision not to sample is passed on');
  assert.equal(sent['x-b3-traceid'], root.context.traceId);

  const viaRequest = await new Promise<string>((resolve, reject) => {
    const req = root.request(url, { method: 'POST' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end('hello');
  });
  assert.equal(viaRequest, 'echo hello');
  assert.equal(server.received[2]!.headers['x-b3-sampled'], '0');

  const unread = await root.fetch(url);
  assert.equal(unread.status, 200);
  await unread.body?.cancel();

  root.end();
  assert.deepEqual(await finishedSpans(r), [], 'nothing recorded');
  const stats = r.tracer.stats();
  assert.equal(stats.started, 0);
  assert.ok(stats.unsampled >= 1);
});
