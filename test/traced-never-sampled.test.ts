// A function wrapped where no call can be sampled (sampleRate 0 without a parent, or an unsampled
// parent) takes a lighter wrapper, decided once at wrap time. It must behave like the full one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, extractB3, memorySink, type Span } from '../src/index.js';

const TRACE = '463ac35c9f6413ad48485a3953bb6124';
const SPAN = 'a2fb4a1d1a96d312';

test('with sampleRate 0, a wrapped function gets its arguments and this, and its value or error passes through unchanged', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'never', sink, sampleRate: 0 });
  const value = { same: true };
  const self = { name: 'receiver' };
  const seen: unknown[][] = [];
  const call = tracer.traced(function (this: unknown, span: Span, ...args: unknown[]) {
    seen.push([this, span.isRecording, ...args]);
    return value;
  });
  assert.equal(await call.call(self), value);
  assert.equal(await call.call(self, 1), value);
  assert.equal(await call.call(self, 1, 2), value);
  assert.equal(await call.call(self, 1, 2, 3), value);
  assert.deepEqual(seen, [
    [self, false],
    [self, false, 1],
    [self, false, 1, 2],
    [self, false, 1, 2, 3],
  ]);

  const error = new Error('boom');
  const throwsSync = tracer.traced(() => {
    throw error;
  });
  const syncResult = throwsSync();
  assert.ok(syncResult instanceof Promise, 'a synchronous throw comes back as a rejected promise');
  await assert.rejects(syncResult, (e) => e === error);
  await assert.rejects(tracer.traced(async () => Promise.reject(error))(), (e) => e === error);

  await tracer.flush();
  assert.equal(sink.spans.length, 0);
  assert.equal(tracer.stats().unsampled, 6);
  assert.equal(tracer.stats().started, 0);
});

test('with sampleRate 0, each call gets its own span, which propagates sampled=0 with IDs of its own', async () => {
  const tracer = createTracer({ serviceName: 'never', sink: memorySink(), sampleRate: 0 });
  const headers: Record<string, string>[] = [];
  const call = tracer.traced((span) => {
    headers.push(span.b3Headers(), span.b3Headers());
  });
  await call();
  await call();
  const [a1, a2, b1] = headers;
  assert.equal(a1?.['x-b3-sampled'], '0');
  assert.deepEqual(a1, a2, 'one call: the same IDs each time');
  assert.notEqual(a1?.['x-b3-spanid'], b1?.['x-b3-spanid'], 'two calls: two span IDs');
  assert.notEqual(a1?.['x-b3-traceid'], b1?.['x-b3-traceid'], 'two root calls: two traces');
  assert.equal(a1?.['x-b3-parentspanid'], undefined);
});

test('under a parent with sampled=0, every call is a child of that parent that records nothing, even when the tracer samples everything', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'never', sink, sampleRate: 1 });
  const parent = extractB3({ 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN, 'x-b3-sampled': '0' });
  const contexts: Span['context'][] = [];
  const call = tracer.traced((span) => contexts.push(span.context), { parent });
  await Promise.all([call(), call(), call()]);
  assert.equal(contexts.length, 3);
  for (const c of contexts) {
    assert.equal(c.traceId, TRACE);
    assert.equal(c.parentId, SPAN);
    assert.equal(c.sampled, false);
  }
  assert.equal(new Set(contexts.map((c) => c.spanId)).size, 3);
  await tracer.flush();
  assert.equal(sink.spans.length, 0);
  assert.equal(tracer.stats().unsampled, 3);
});

test('a debug parent is recorded even with sampleRate 0, and a sampling-only "sample" parent too', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'never', sink, sampleRate: 0 });
  const debugParent = extractB3({ 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN, 'x-b3-flags': '1' });
  await tracer.traced(async () => 1, { name: 'debug child', parent: debugParent })();
  await tracer.traced(async () => 1, { name: 'told to sample', parent: extractB3({ b3: '1' }) })();
  await tracer.traced(async () => 1, { name: 'told not to', parent: extractB3({ b3: '0' }) })();
  await tracer.flush();
  assert.deepEqual(sink.spans.map((s) => s.name).sort(), ['debug child', 'told to sample']);
  assert.equal(tracer.stats().unsampled, 1);
});
