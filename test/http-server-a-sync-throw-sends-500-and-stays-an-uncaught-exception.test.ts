// A handler that throws synchronously: the client gets a 500, and the error is not swallowed.
// Without tracing, a request listener's throw is an uncaught exception; with tracing it is the
// same one, the very error thrown. The span ends once, tagged with it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFailingHandler } from './helpers/failing-handler.js';
import { assertZipkinSpan } from './helpers/zipkin-spec.js';

const child = (traced: boolean) => runFailingHandler(traced, { message: 'handler blew up', handler: '() => { throw failure; }', event: 'uncaughtException' });

test('a handler that throws synchronously: 500 sent, the same uncaught exception as without tracing, the span ends once', async () => {
  const [plain, traced] = await Promise.all([child(false), child(true)]);
  assert.deepEqual(plain.seen, [{ message: 'handler blew up', same: true }], 'without tracing: one uncaught exception, the error thrown');
  assert.deepEqual(traced.seen, plain.seen, 'with tracing: the same');
  assert.equal(traced.status, 500, 'the client got a 500');
  assert.equal(traced.spans.length, 1, 'one span');
  const span = traced.spans[0]!;
  assertZipkinSpan(span);
  assert.equal(span.kind, 'SERVER');
  assert.equal(span.tags?.error, 'handler blew up');
  assert.equal(span.tags?.['http.status_code'], '500');
});
