// The caller reads part of a long body and cancels the rest: fetch's behaviour is unchanged (the
// server sees the connection go, as without tracing), and the span ends once, soon after the
// cancel, without waiting for a body that will never arrive.
import assert from 'node:assert/strict';
import type http from 'node:http';
import { test } from 'node:test';
import { monotonicClock } from '../src/index.js';
import { assertAnnotationsWithin, b3Of, deferred, eventually, finishedSpans, recording, serve, spanWithId, spansEnded, tagsOf } from './helpers/http-spans.js';

const CHUNK = 16 * 1024;

test('a body cancelled part way by the caller ends the span once', async (t) => {
  // The server streams until the client goes away, and says when it saw that.
  const closes: Array<Promise<{ finished: boolean }>> = [];
  const server = await serve((_req, res: http.ServerResponse) => {
    const closed = deferred<{ finished: boolean }>();
    closes.push(closed.promise);
    res.setHeader('content-type', 'application/octet-stream');
    let timer: NodeJS.Timeout | undefined;
    const next = (): void => {
      res.write(Buffer.alloc(CHUNK, 7));
      timer = setTimeout(next, 2);
    };
    res.once('close', () => {
      clearTimeout(timer);
      closed.resolve({ finished: res.writableFinished });
    });
    next();
  });
  t.after(() => server.close());
  const r = recording();
  const root = r.tracer.startSpan('root');
  const url = `${server.origin}/endless`;

  /** Reads a first chunk, then cancels the body; resolves with what the caller saw. */
  async function readThenCancel(response: Response): Promise<{ status: number; first: number; cancelled: unknown }> {
    const reader = response.body!.getReader();
    const { value } = await reader.read();
    const cancelled = await reader.cancel('enough').then(() => 'resolved', (e: unknown) => e);
    return { status: response.status, first: value!.byteLength > 0 ? 1 : 0, cancelled };
  }

  const plain = await readThenCancel(await fetch(url));
  const plainClose = await closes[0]!;

  const response = await root.fetch(url);
  const traced = await readThenCancel(response);
  const cancelledAt = monotonicClock.now();
  const tracedClose = await eventually('the second request', () => closes[1]).then((p) => p);

  assert.deepEqual(traced, plain, 'the caller sees the same as without tracing');
  assert.deepEqual(tracedClose, plainClose, 'the server sees the client go away as without tracing');
  assert.equal(tracedClose.finished, false);

  // The Response is still referenced here: the span must end from the cancel itself, not from GC.
  await spansEnded(r, 1, 5000);
  const span = await spanWithId(r, b3Of(server.received[1]!.headers)['x-b3-spanid']);
  assert.equal(span.kind, 'CLIENT');
  assert.equal(span.parentId, root.context.spanId);
  assert.equal(tagsOf(span)['http.status_code'], '200');
  assert.equal(tagsOf(span)['http.body'], undefined, 'the body was read, then cancelled: not "not read"');
  assertAnnotationsWithin(span);
  assert.ok(span.timestamp! + span.duration! <= cancelledAt + 1_000_000, 'ended soon after the cancel');
  assert.equal(response.bodyUsed, true);

  root.end();
  assert.equal((await finishedSpans(r)).length, 2);
});
