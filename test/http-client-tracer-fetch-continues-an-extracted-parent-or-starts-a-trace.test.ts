// tracer.fetch takes its parent from options: `parent: extractB3(req.headers)` continues the
// caller's trace (a child of the incoming span), and no parent starts a new trace. The requests
// and responses are those of plain fetch.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { extractB3, OptionsError } from '../src/index.js';
import { assertClientSpan, assertSameRequest, b3Of, finishedSpans, listen, recording, seen, serve, spanWithId, spansEnded, stop } from './helpers/http-spans.js';

const INCOMING = { 'x-b3-traceid': '463ac35c9f6413ad48485a3953bb6124', 'x-b3-spanid': 'a2fb4a1d1a96d312', 'x-b3-sampled': '1' };

test('tracer.fetch with parent: extractB3(headers) makes a child of the incoming span', async (t) => {
  const backend = await serve((_req, res) => res.end('from the backend'));
  t.after(() => backend.close());
  const r = recording('proxy');
  // A proxy: its handler forwards with the incoming request's B3 headers as the parent.
  const proxy = http.createServer((req, res) => {
    void r.tracer.fetch(`${backend.origin}/forwarded`, undefined, { parent: extractB3(req.headers) }).then(async (answer) => res.end(await answer.text()));
  });
  const port = await listen(proxy);
  t.after(() => stop(proxy));

  const plain = await seen(await fetch(`${backend.origin}/forwarded`));
  const through = await seen(await fetch(`http://127.0.0.1:${port}/`, { headers: INCOMING }));
  assert.equal(through.body, plain.body);
  assertSameRequest(backend.received[1]!, backend.received[0]!);

  await spansEnded(r, 1);
  const sent = b3Of(backend.received[1]!.headers);
  const span = await spanWithId(r, sent['x-b3-spanid']);
  assert.deepEqual(sent, { 'x-b3-traceid': INCOMING['x-b3-traceid'], 'x-b3-spanid': span.id, 'x-b3-parentspanid': INCOMING['x-b3-spanid'], 'x-b3-sampled': '1' });
  assertClientSpan(span, {
    name: 'GET',
    parentId: INCOMING['x-b3-spanid'],
    traceId: INCOMING['x-b3-traceid'],
    method: 'GET',
    path: '/forwarded',
    url: `${backend.origin}/forwarded`,
    status: 200,
  });
  assert.equal((await finishedSpans(r)).length, 1);
});

test('tracer.fetch without a parent starts a new trace', async (t) => {
  const backend = await serve((_req, res) => res.end('ok'));
  t.after(() => backend.close());
  const r = recording();
  const url = `${backend.origin}/root-call`;

  const plain = await seen(await fetch(url));
  const traced = await seen(await r.tracer.fetch(url));
  const alsoNull = await seen(await r.tracer.fetch(url, undefined, { parent: null }));
  assert.deepEqual(traced, plain);
  assert.deepEqual(alsoNull, plain);
  assertSameRequest(backend.received[1]!, backend.received[0]!);

  await spansEnded(r, 2);
  const spans = await finishedSpans(r);
  assert.equal(spans.length, 2);
  for (const got of backend.received.slice(1)) {
    const sent = b3Of(got.headers);
    assert.equal(sent['x-b3-parentspanid'], undefined, 'a root: no parent span ID is sent');
    const span = spans.find((s) => s.id === sent['x-b3-spanid'])!;
    assertClientSpan(span, { name: 'GET', parentId: undefined, traceId: sent['x-b3-traceid']!, method: 'GET', path: '/root-call', url, status: 200 });
  }
  assert.notEqual(spans[0]!.traceId, spans[1]!.traceId, 'each call its own trace');
});

test('tracer.fetch with a misspelt option throws OptionsError and sends nothing', async (t) => {
  const backend = await serve();
  t.after(() => backend.close());
  const r = recording();
  assert.throws(() => r.tracer.fetch(`${backend.origin}/`, undefined, { parnet: null } as never), (e: unknown) => e instanceof OptionsError && /parent/.test(e.message));
  assert.equal(backend.received.length, 0);
  assert.equal((await finishedSpans(r)).length, 0);
});
