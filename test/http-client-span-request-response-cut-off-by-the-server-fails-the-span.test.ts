// The server sends the headers and part of the body, then drops the connection: the caller's
// response emits what it emits without tracing ('aborted', an 'error', 'close'), and the span ends
// once, failed, with the status it got.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { assertAnnotationsWithin, b3Of, finishedSpans, recording, serve, spanWithId, spansEnded, tagsOf } from './helpers/http-spans.js';

function cutOff(request: (url: string, cb: (res: http.IncomingMessage) => void) => http.ClientRequest, url: string): Promise<{ status: number | undefined; body: string; events: string[] }> {
  return new Promise((resolve) => {
    const events: string[] = [];
    const req = request(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('aborted', () => events.push('aborted'));
      res.on('error', (e: NodeJS.ErrnoException) => events.push(`error:${e.code}:${e.message}`));
      res.on('end', () => events.push('end'));
      res.on('close', () => {
        events.push('close');
        resolve({ status: res.statusCode, body, events });
      });
    });
    req.on('error', (e: NodeJS.ErrnoException) => events.push(`req-error:${e.code}`));
    req.end();
  });
}

test('a response cut off by the server mid-body reads as without tracing and fails the span once', async (t) => {
  const server = await serve((_req, res) => {
    res.setHeader('content-length', '1000');
    res.write('only the first part', () => res.socket?.destroy());
  });
  t.after(() => server.close());
  const r = recording();
  const root = r.tracer.startSpan('root');
  const url = `${server.origin}/cut`;

  const plain = await cutOff((u, cb) => http.request(u, cb), url);
  const traced = await cutOff((u, cb) => root.request(u, {}, cb), url);
  assert.deepEqual(traced, plain, 'the same events, status and partial body as without tracing');
  assert.equal(traced.events.includes('end'), false);

  await spansEnded(r, 1);
  const span = await spanWithId(r, b3Of(server.received[1]!.headers)['x-b3-spanid']);
  assert.equal(span.kind, 'CLIENT');
  assert.equal(span.parentId, root.context.spanId);
  const tags = tagsOf(span);
  assert.equal(tags['http.status_code'], '200');
  assert.ok(typeof tags.error === 'string' && tags.error !== '', `failed: ${JSON.stringify(tags)}`);
  assertAnnotationsWithin(span);
  root.end();
  assert.equal((await finishedSpans(r)).length, 2);
});
