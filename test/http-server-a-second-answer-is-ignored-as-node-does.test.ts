// A handler that answers twice: the second res.end is ignored exactly as Node ignores it without
// tracing (the client gets the first answer, the second end's callback gets the same result),
// and the SERVER span ends once, with the first answer's status.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { finishedSpans, listen, onlySpan, recording, seen, spansEnded, stop, tagsOf, type Deferred, deferred } from './helpers/http-spans.js';

type Outcome = { secondEnd: string; returned: boolean; errors: string[] };

/** Ends twice (the second time without data, which Node ignores); reports how the second end fared. */
function answerTwice(res: http.ServerResponse, done: Deferred<Outcome>): void {
  const errors: string[] = [];
  res.on('error', (e: NodeJS.ErrnoException) => errors.push(e.code ?? e.message));
  res.statusCode = 201;
  res.end('first answer');
  let returned = false;
  returned = res.end((error?: Error | null) => {
    // Resolved a turn later, so that an 'error' Node might emit would be seen too.
    setImmediate(() => done.resolve({ secondEnd: error ? String((error as NodeJS.ErrnoException).code) : 'no error', returned, errors }));
  }) === res;
}

test('a second res.end is ignored as Node does, and the span ends once', async (t) => {
  const r = recording('server');
  const plainDone = deferred<Outcome>();
  const tracedDone = deferred<Outcome>();
  const plain = http.createServer((_req, res) => answerTwice(res, plainDone));
  const traced = http.createServer(r.tracer.httpHandler((_span, _req, res) => answerTwice(res, tracedDone)));
  const [plainPort, tracedPort] = await Promise.all([listen(plain), listen(traced)]);
  t.after(() => Promise.all([stop(plain), stop(traced)]));

  const plainSeen = await seen(await fetch(`http://127.0.0.1:${plainPort}/twice`));
  const tracedSeen = await seen(await fetch(`http://127.0.0.1:${tracedPort}/twice`));
  assert.deepEqual(tracedSeen, plainSeen);
  assert.equal(tracedSeen.body, 'first answer');
  assert.deepEqual(await tracedDone.promise, await plainDone.promise, 'the second end fares as without tracing');

  await spansEnded(r, 1);
  const spans = await finishedSpans(r);
  const span = onlySpan(spans);
  assert.equal(span.kind, 'SERVER');
  assert.equal(span.name, 'GET');
  assert.equal(tagsOf(span)['http.status_code'], '201');
  assert.equal(tagsOf(span).error, undefined);
});
