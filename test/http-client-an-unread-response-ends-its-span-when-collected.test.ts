// A Response the caller never reads (its body still coming) ends its span when it is garbage
// collected, tagged `http.body: not read`, instead of leaving the span open for ever.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { assertAnnotationsWithin, b3Of, eventually, finishedSpans, recording, serve, spanWithId, tagsOf } from './helpers/http-spans.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

test('a Response never read ends its span once it is collected, tagged http.body: not read', async (t) => {
  // Headers and a first chunk, then the body stays open: it never arrives to its end on its own.
  const server = await serve((_req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.write('the start of a body that is never read');
  });
  t.after(() => server.close());
  const r = recording();
  const root = r.tracer.startSpan('root');
  const url = `${server.origin}/unread`;

  // Without tracing, such a Response resolves at its headers too.
  const plainStatus = await (async () => (await fetch(url)).status)();

  const status = await (async () => {
    const response = await root.fetch(url);
    return response.status; // the Response goes out of reach here, unread
  })();
  assert.equal(status, plainStatus);
  assert.equal(r.tracer.stats().ended, 0, 'the span waits for the body');

  await eventually('the unread Response to be collected and its span ended', () => {
    gc();
    return r.tracer.stats().ended === 1;
  }, 20_000);

  const span = await spanWithId(r, b3Of(server.received[1]!.headers)['x-b3-spanid']);
  assert.equal(span.kind, 'CLIENT');
  assert.equal(span.parentId, root.context.spanId);
  const tags = tagsOf(span);
  assert.equal(tags['http.body'], 'not read');
  assert.equal(tags['http.status_code'], '200');
  assert.equal(tags.error, undefined, 'not reading a body is not an error of the call');
  assertAnnotationsWithin(span);

  // The server ending the body later does not end the span again.
  server.server.closeAllConnections();
  root.end();
  assert.equal((await finishedSpans(r)).length, 2);
});
