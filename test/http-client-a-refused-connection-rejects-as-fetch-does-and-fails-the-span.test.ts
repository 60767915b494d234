// A port nothing listens on: span.fetch rejects as fetch does (a TypeError "fetch failed" whose
// cause is ECONNREFUSED), and the span ends once with that error's message and its cause's as its
// `error` tag ("fetch failed" alone would not say what failed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closedPort, finishedSpans, onlySpan, recording, spansEnded, tagsOf, assertAnnotationsWithin } from './helpers/http-spans.js';

test('a refused connection rejects with fetch\'s own error and fails the span with its message', async () => {
  const port = await closedPort();
  const r = recording();
  const root = r.tracer.startSpan('root');
  const url = `http://127.0.0.1:${port}/nobody-home`;

  const plain = await fetch(url).then(() => assert.fail('resolved'), (e: unknown) => e as TypeError & { cause?: { code?: string } });
  const traced = await root.fetch(url).then(() => assert.fail('resolved'), (e: unknown) => e as TypeError & { cause?: { code?: string } });

  assert.ok(traced instanceof TypeError, 'the same kind of error as fetch');
  assert.equal(traced.name, plain.name);
  assert.equal(traced.message, plain.message);
  assert.equal(traced.cause?.code, 'ECONNREFUSED');
  assert.equal(traced.cause?.code, plain.cause?.code);

  await spansEnded(r, 1);
  root.end();
  const spans = await finishedSpans(r);
  const span = onlySpan(spans, (s) => s.kind === 'CLIENT');
  assert.equal(span.parentId, root.context.spanId);
  const tags = tagsOf(span);
  assert.equal(tags.error, `${traced.message}: ${(traced.cause as unknown as Error).message}`, "the error tag is the rejection's message and its cause's");
  assert.match(tags.error ?? '', /ECONNREFUSED/);
  assert.equal(tags['http.status_code'], undefined, 'no status: nothing answered');
  assert.equal(tags['http.url'], url);
  assert.deepEqual(span.remoteEndpoint, { ipv4: '127.0.0.1', port });
  assert.equal((span.annotations ?? []).some((a) => a.value === 'wr'), false, 'no response headers were received');
  assertAnnotationsWithin(span);
  assert.equal(spans.length, 2);
});
