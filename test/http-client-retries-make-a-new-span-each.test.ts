// A caller that retries (calls span.fetch again after a failure) gets one span per attempt: each a
// child of the same parent, each with its own ID and outcome, each ended once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { b3Of, closedPort, finishedSpans, recording, serve, spansEnded, tagsOf } from './helpers/http-spans.js';

test('retrying after a refused connection and a 503 makes a new span per attempt', async (t) => {
  let calls = 0;
  const server = await serve((_req, res) => {
    calls++;
    res.statusCode = calls === 1 ? 503 : 200;
    res.end(calls === 1 ? 'busy' : 'done');
  });
  t.after(() => server.close());
  const down = await closedPort();
  const r = recording();
  const root = r.tracer.startSpan('root');
  // The first attempt goes to a port nothing listens on, the next ones to the server.
  const urls = [`http://127.0.0.1:${down}/job`, `${server.origin}/job`, `${server.origin}/job`];

  const outcomes: string[] = [];
  let body: string | undefined;
  for (const url of urls) {
    try {
      const response = await root.fetch(url);
      const text = await response.text();
      outcomes.push(String(response.status));
      if (response.ok) {
        body = text;
        break;
      }
    } catch (error) {
      outcomes.push((error as Error).message);
    }
  }
  assert.deepEqual(outcomes, ['fetch failed', '503', '200']);
  assert.equal(body, 'done');

  await spansEnded(r, 3);
  root.end();
  const spans = await finishedSpans(r);
  const attempts = spans.filter((s) => s.kind === 'CLIENT');
  assert.equal(attempts.length, 3, 'one span per attempt');
  assert.equal(new Set(attempts.map((s) => s.id)).size, 3);
  for (const s of attempts) {
    assert.equal(s.parentId, root.context.spanId, 'each attempt a child of the caller');
    assert.equal(s.traceId, root.context.traceId);
  }
  attempts.sort((a, b) => a.timestamp! - b.timestamp!);
  const [refused, busy, done] = attempts as [typeof attempts[0], typeof attempts[0], typeof attempts[0]];
  assert.ok(tagsOf(refused).error !== undefined && tagsOf(refused)['http.status_code'] === undefined, 'the refused attempt failed');
  assert.equal(tagsOf(busy).error, '503');
  assert.equal(tagsOf(done).error, undefined);
  assert.equal(tagsOf(done)['http.status_code'], '200');
  // The server saw the two attempts that reached it, each with its own span's IDs.
  assert.deepEqual(server.received.map((g) => b3Of(g.headers)['x-b3-spanid']), [busy.id, done.id]);
  // Attempts do not overlap: each ended before the next began.
  assert.ok(refused.timestamp! + refused.duration! <= busy.timestamp!);
  assert.ok(busy.timestamp! + busy.duration! <= done.timestamp!);
});
