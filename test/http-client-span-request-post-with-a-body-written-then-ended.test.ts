// span.request for a POST: the caller writes the body in parts, then calls end(); the server gets
// the same request as from http.request, and the span ends once, after the response.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { assertClientSpan, assertSameRequest, b3Of, finishedSpans, recording, serve, spanWithId, spansEnded } from './helpers/http-spans.js';

function post(request: (options: http.RequestOptions, cb: (res: http.IncomingMessage) => void) => http.ClientRequest, port: number): Promise<{ status: number | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/objects', method: 'POST', headers: { 'content-type': 'text/plain', 'x-caller': 'me' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
    req.write('part one, ');
    req.write(Buffer.from('part two, '));
    req.end('the end');
  });
}

test('span.request POST with a body written then end() sends what http.request sends', async (t) => {
  const server = await serve((_req, res, got) => {
    res.statusCode = 201;
    res.end(`stored ${got.body.length} characters`);
  });
  t.after(() => server.close());
  const r = recording();
  const root = r.tracer.startSpan('root');

  const headers = { 'content-type': 'text/plain', 'x-caller': 'me' };
  const plain = await post((o, cb) => http.request(o, cb), server.port);
  const traced = await post((o, cb) => root.request(o, cb), server.port);
  assert.deepEqual(traced, plain);
  assert.deepEqual(traced, { status: 201, body: 'stored 27 characters' });
  assertSameRequest(server.received[1]!, server.received[0]!);
  assert.equal(server.received[1]!.body, 'part one, part two, the end');
  assert.equal(server.received[1]!.headers['x-caller'], 'me');
  assert.deepEqual(headers, { 'content-type': 'text/plain', 'x-caller': 'me' });

  await spansEnded(r, 1);
  const span = await spanWithId(r, b3Of(server.received[1]!.headers)['x-b3-spanid']);
  assertClientSpan(span, { name: 'POST', parentId: root.context.spanId, method: 'POST', path: '/objects', url: `${server.origin}/objects`, status: 201 });
  root.end();
  assert.equal((await finishedSpans(r)).length, 2);
});

test("span.request does not write B3 headers into the caller's options object", async (t) => {
  const server = await serve();
  t.after(() => server.close());
  const r = recording();
  const root = r.tracer.startSpan('root');
  const options: http.RequestOptions = Object.freeze({ host: '127.0.0.1', port: server.port, path: '/x', method: 'POST', headers: Object.freeze({ 'x-caller': 'me' }) });
  await new Promise<void>((resolve, reject) => {
    const req = root.request(options, (res) => res.resume().on('end', resolve));
    req.on('error', reject);
    req.end('body');
  });
  assert.deepEqual(options.headers, { 'x-caller': 'me' });
  assert.equal(typeof b3Of(server.received[0]!.headers)['x-b3-spanid'], 'string');
  await spansEnded(r, 1);
  root.end();
  await finishedSpans(r);
});
