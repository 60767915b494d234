// span.request(url, callback) over node:http behaves as http.request: the callback gets the
// response, the body reads the same, and the span is one CLIENT span, ended once at the
// response's end.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { assertClientSpan, assertSameRequest, b3Of, finishedSpans, recording, serve, spanWithId, spansEnded } from './helpers/http-spans.js';

interface Answer {
  status: number | undefined;
  headers: Record<string, unknown>;
  body: string;
  events: string[];
}

/** Makes one GET with `request`, the callback style; resolves when the response has closed. */
function getWith(request: (url: string, cb: (res: http.IncomingMessage) => void) => http.ClientRequest, url: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const events: string[] = [];
    const req = request(url, (res) => {
      events.push('response');
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => events.push('end'));
      res.on('close', () => {
        events.push('close');
        const { date: _date, ...headers } = res.headers;
        resolve({ status: res.statusCode, headers, body, events });
      });
    });
    req.on('error', reject);
    req.on('finish', () => events.push('finish'));
    req.end();
  });
}

test('span.request GET with a callback reads as http.request does and ends its span once', async (t) => {
  const server = await serve((_req, res) => {
    res.setHeader('x-kind', 'fragment');
    res.end('fragment body');
  });
  t.after(() => server.close());
  const r = recording();
  const root = r.tracer.startSpan('root');
  const url = `${server.origin}/fragments/1?x=1`;

  const plain = await getWith((u, cb) => http.request(u, cb), url);
  // http.request's (url, callback) form. Span.request's declared overloads have no (url, callback)
  // (only (url, options?, callback?) and (options, callback?)), so it is called through
  // http.request's own type here; at run time span.request takes it.
  const request = root.request.bind(root) as unknown as typeof http.request;
  const traced = await getWith((u, cb) => request(u, cb), url);
  assert.deepEqual(traced, plain);
  assert.equal(traced.body, 'fragment body');
  assertSameRequest(server.received[1]!, server.received[0]!);

  // The options form, too: (options, callback).
  const viaOptions = await getWith((_u, cb) => root.request({ host: '127.0.0.1', port: server.port, path: '/fragments/1?x=1' }, cb), url);
  assert.deepEqual(viaOptions, plain);
  assertSameRequest(server.received[2]!, server.received[0]!);

  await spansEnded(r, 2);
  for (const got of server.received.slice(1)) {
    const sent = b3Of(got.headers);
    const span = await spanWithId(r, sent['x-b3-spanid']);
    assert.deepEqual(sent, { 'x-b3-traceid': root.context.traceId, 'x-b3-spanid': span.id, 'x-b3-parentspanid': root.context.spanId, 'x-b3-sampled': '1' });
    assertClientSpan(span, { name: 'GET', parentId: root.context.spanId, method: 'GET', path: '/fragments/1', url, status: 200 });
    assert.deepEqual(span.remoteEndpoint, { ipv4: '127.0.0.1', port: server.port });
  }
  root.end();
  assert.equal((await finishedSpans(r)).length, 3);
});
