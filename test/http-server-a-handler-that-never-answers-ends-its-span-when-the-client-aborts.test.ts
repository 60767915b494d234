// A handler that never answers: when the client gives up (aborts), the connection closes as it
// would without tracing and the SERVER span ends once, tagged `http.aborted` and with an error.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { deferred, finishedSpans, listen, onlySpan, recording, spansEnded, stop, tagsOf, assertAnnotationsWithin } from './helpers/http-spans.js';

test('a handler that never answers: the client aborts and the span ends once with http.aborted', async (t) => {
  const r = recording('server');
  const arrivals: Array<ReturnType<typeof deferred<void>>> = [deferred(), deferred()];
  const closes: Array<ReturnType<typeof deferred<{ finished: boolean; headersSent: boolean }>>> = [deferred(), deferred()];
  let n = 0;
  const hang = (res: http.ServerResponse): void => {
    const i = n++;
    res.once('close', () => closes[i]!.resolve({ finished: res.writableFinished, headersSent: res.headersSent }));
    arrivals[i]!.resolve();
  };
  const plain = http.createServer((_req, res) => hang(res));
  const traced = http.createServer(r.tracer.httpHandler((_span, _req, res) => hang(res)));
  const [plainPort, tracedPort] = await Promise.all([listen(plain), listen(traced)]);
  t.after(() => Promise.all([stop(plain), stop(traced)]));

  const abortAfterArrival = async (port: number, i: number): Promise<string> => {
    const controller = new AbortController();
    const pending = fetch(`http://127.0.0.1:${port}/hang`, { signal: controller.signal }).then(() => 'resolved', (e: Error) => e.name);
    await arrivals[i]!.promise;
    controller.abort();
    return pending;
  };
  const plainOutcome = await abortAfterArrival(plainPort, 0);
  const plainClose = await closes[0]!.promise;
  const tracedOutcome = await abortAfterArrival(tracedPort, 1);
  const tracedClose = await closes[1]!.promise;
  assert.equal(tracedOutcome, plainOutcome);
  assert.equal(tracedOutcome, 'AbortError');
  assert.deepEqual(tracedClose, plainClose, "the server's response closes as without tracing");

  await spansEnded(r, 1);
  const span = onlySpan(await finishedSpans(r));
  assert.equal(span.kind, 'SERVER');
  const tags = tagsOf(span);
  assert.equal(tags['http.aborted'], 'true');
  assert.ok(typeof tags.error === 'string' && tags.error !== '', 'an error');
  assert.equal(tags['http.status_code'], undefined, 'nothing was answered');
  assertAnnotationsWithin(span);
});
