// An async handler that rejects: the client gets a 500, and the rejection stays what it is without
// tracing, an 'unhandledRejection' with the very error. The span ends once, tagged with it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFailingHandler } from './helpers/failing-handler.js';
import { assertZipkinSpan } from './helpers/zipkin-spec.js';

const child = (traced: boolean) => runFailingHandler(traced, { message: 'async handler failed', handler: 'async () => { await null; throw failure; }', event: 'unhandledRejection' });

test('an async handler that rejects: 500 sent, the same unhandled rejection as without tracing, the span ends once', async () => {
  const [plain, traced] = await Promise.all([child(false), child(true)]);
  assert.deepEqual(plain.seen, [{ message: 'async handler failed', same: true }], 'without tracing: one unhandled rejection, the error');
  assert.deepEqual(traced.seen, plain.seen, 'with tracing: the same');
  assert.deepEqual(plain.uncaught, [], 'no uncaught exception without tracing');
  assert.deepEqual(traced.uncaught, plain.uncaught);
  assert.equal(traced.status, 500, 'the client got a 500');
  assert.equal(traced.spans.length, 1);
  const span = traced.spans[0]!;
  assertZipkinSpan(span);
  assert.equal(span.kind, 'SERVER');
  assert.equal(span.tags?.error, 'async handler failed');
  assert.equal(span.tags?.['http.status_code'], '500');
});
