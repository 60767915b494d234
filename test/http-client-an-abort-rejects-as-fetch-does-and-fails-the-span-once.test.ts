// An AbortSignal, aborted before the call or while the request is in flight, makes span.fetch
// reject exactly as fetch does (an AbortError, or the signal's own reason), and the span ends
// once, failed with that error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Recording } from './helpers/http-spans.js';
import { b3Of, finishedSpans, onlySpan, recording, serve, spansEnded, tagsOf, assertAnnotationsWithin, type TestServer } from './helpers/http-spans.js';

/** The error a promise rejects with. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => assert.fail('resolved'), (e: unknown) => e);
}

function describeError(e: unknown): { name: string; message: string } {
  assert.ok(e instanceof Error || (typeof e === 'object' && e !== null && 'name' in e), `an error: ${String(e)}`);
  const { name, message } = e as Error;
  return { name, message };
}

/** The latest CLIENT span (the call's) once it has ended, checked to have failed with `error`. */
async function checkSpan(r: Recording, rootId: string, error: unknown, server?: TestServer): Promise<void> {
  await spansEnded(r, 1);
  await r.tracer.flush();
  const span = onlySpan(r.sink.spans, (s) => s.kind === 'CLIENT');
  assert.equal(span.parentId, rootId);
  const expected = error instanceof Error ? error.message : String(error);
  assert.equal(tagsOf(span).error, expected, 'the span failed with the rejection');
  assert.equal(tagsOf(span)['http.status_code'], undefined);
  assertAnnotationsWithin(span);
  if (server !== undefined) assert.equal(span.id, b3Of(server.received.at(-1)?.headers ?? {})['x-b3-spanid'] ?? span.id);
}

test('an already-aborted signal rejects with an AbortError, and the span fails once', async (t) => {
  const server = await serve();
  t.after(() => server.close());
  const r = recording();
  const root = r.tracer.startSpan('root');
  const url = `${server.origin}/never-sent`;

  const plain = await rejection(fetch(url, { signal: AbortSignal.abort() }));
  const traced = await rejection(root.fetch(url, { signal: AbortSignal.abort() }));
  assert.deepEqual(describeError(traced), describeError(plain));
  assert.equal(describeError(traced).name, 'AbortError');
  assert.equal(server.received.length, 0, 'nothing reached the server');

  root.end();
  await spansEnded(r, 2);
  const spans = await finishedSpans(r);
  const span = onlySpan(spans, (s) => s.kind === 'CLIENT');
  assert.equal(span.parentId, root.context.spanId);
  assert.equal(tagsOf(span).error, (traced as Error).message);
});

test('an already-aborted signal with a reason rejects with that very reason', async (t) => {
  const server = await serve();
  t.after(() => server.close());
  const r = recording();
  const root = r.tracer.startSpan('root');
  const url = `${server.origin}/never-sent`;
  const plainReason = new Error('gave up before starting');
  const reason = new Error('gave up before starting');

  assert.equal(await rejection(fetch(url, { signal: AbortSignal.abort(plainReason) })), plainReason);
  assert.equal(await rejection(root.fetch(url, { signal: AbortSignal.abort(reason) })), reason, 'the reason itself, as fetch does');
  await checkSpan(r, root.context.spanId, reason);
  root.end();
  assert.equal((await finishedSpans(r)).length, 2);
});

test('an abort while the server has not answered rejects as fetch does, and the span fails once', async (t) => {
  const server = await serve(() => {
    // Never answers: the caller gives up.
  });
  t.after(() => server.close());
  const r = recording();
  const root = r.tracer.startSpan('root');
  const url = `${server.origin}/slow`;

  const run = async (doFetch: (signal: AbortSignal) => Promise<Response>, reason?: unknown): Promise<unknown> => {
    const controller = new AbortController();
    const arrived = server.nextRequest();
    const pending = rejection(doFetch(controller.signal));
    await arrived; // in flight: the request has reached the server
    controller.abort(reason);
    return pending;
  };

  const plain = await run((signal) => fetch(url, { signal }));
  const traced = await run((signal) => root.fetch(url, { signal }));
  assert.deepEqual(describeError(traced), describeError(plain));
  assert.equal(describeError(traced).name, 'AbortError');
  await checkSpan(r, root.context.spanId, traced, server);

  const reason = new Error('the user navigated away');
  const plainReason = new Error('the user navigated away');
  assert.equal(await run((signal) => fetch(url, { signal }), plainReason), plainReason);
  assert.equal(await run((signal) => root.fetch(url, { signal }), reason), reason, 'the reason itself, as fetch does');
  await spansEnded(r, 2);
  await r.tracer.flush();
  const second = r.sink.spans.at(-1)!;
  assert.equal(second.tags?.error, reason.message);
  root.end();
  assert.equal((await finishedSpans(r)).length, 3);
});

test('an abort while the body is arriving errors the body as fetch does, and the span fails once', async (t) => {
  const server = await serve((_req, res) => {
    res.setHeader('content-length', '100000');
    res.write('part of the body');
  });
  t.after(() => server.close());
  const r = recording();
  const root = r.tracer.startSpan('root');
  const url = `${server.origin}/half`;

  const run = async (doFetch: (signal: AbortSignal) => Promise<Response>): Promise<{ status: number; error: unknown }> => {
    const controller = new AbortController();
    const response = await doFetch(controller.signal);
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    const error = await (async () => {
      for (;;) {
        const { done } = await reader.read();
        if (done) return assert.fail('the body ended');
      }
    })().then(() => undefined, (e: unknown) => e);
    return { status: response.status, error };
  };

  const plain = await run((signal) => fetch(url, { signal }));
  const traced = await run((signal) => root.fetch(url, { signal }));
  assert.equal(traced.status, plain.status);
  assert.deepEqual(describeError(traced.error), describeError(plain.error));
  await spansEnded(r, 1);
  root.end();
  const spans = await finishedSpans(r);
  const span = onlySpan(spans, (s) => s.kind === 'CLIENT');
  assert.equal(tagsOf(span)['http.status_code'], '200');
  assert.equal(tagsOf(span).error, (traced.error as Error).message);
  assertAnnotationsWithin(span);
});
