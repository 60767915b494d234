// An unsampled trace emits nothing but still tells downstream services not to sample.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, extractB3, memorySink, type Span } from '../src/index.js';

const TRACE = '463ac35c9f6413ad48485a3953bb6124';
const SPAN = 'a2fb4a1d1a96d312';

test('children of a parent extracted with sampled=0 emit nothing, propagate sampled=0 and are counted', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'unsampled', sink });
  const parent = extractB3({ 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN, 'x-b3-sampled': '0' });
  assert.equal(parent?.sampled, false);

  const seen: Span[] = [];
  const call = tracer.traced((span) => {
    seen.push(span);
    span.tag('k', 'v').annotate('ignored');
    return span.traced((grandchild) => seen.push(grandchild))();
  }, { parent });
  await call();
  const server = tracer.startSpan('server', { kind: 'SERVER', parent, join: true });
  seen.push(server);
  server.end();
  await tracer.flush();

  assert.equal(sink.spans.length, 0);
  assert.equal(tracer.stats().unsampled, 3);
  assert.equal(tracer.stats().started, 0);
  const [child, grandchild] = seen;
  assert.equal(child!.isRecording, false);
  assert.deepEqual(child!.b3Headers(), {
    'x-b3-traceid': TRACE,
    'x-b3-spanid': child!.context.spanId,
    'x-b3-parentspanid': SPAN,
    'x-b3-sampled': '0',
  });
  assert.equal(grandchild!.b3Headers()['x-b3-sampled'], '0');
  assert.equal(grandchild!.context.traceId, TRACE);
  assert.equal(grandchild!.context.parentId, child!.context.spanId);
  assert.equal(child!.b3Headers('single').b3, `${TRACE}-${child!.context.spanId}-0-${SPAN}`);
});

test('with sampleRate 0 a root and its children emit nothing, propagate sampled=0 and are counted', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'unsampled', sink, sampleRate: 0 });
  let headers: Record<string, string> | undefined;
  await tracer.traced(async (root) => {
    assert.equal(root.b3Headers()['x-b3-sampled'], '0');
    await root.traced((child) => {
      headers = child.b3Headers();
    })();
  })();
  const started = tracer.startSpan('root');
  started.end();
  await tracer.flush();

  assert.equal(sink.spans.length, 0);
  assert.equal(tracer.stats().unsampled, 3);
  assert.equal(headers?.['x-b3-sampled'], '0');
  assert.match(headers?.['x-b3-traceid'] ?? '', /^[0-9a-f]{32}$/);
  assert.match(headers?.['x-b3-parentspanid'] ?? '', /^[0-9a-f]{16}$/);
});
