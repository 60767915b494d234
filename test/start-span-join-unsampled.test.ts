// A server joining an unsampled client span records nothing, but its context is still the
// client's span: log correlation and what it forwards must name the same IDs as when sampled.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, extractB3, memorySink } from '../src/index.js';

const TRACE = '463ac35c9f6413ad48485a3953bb6124';
const CLIENT = 'a2fb4a1d1a96d312';
const PARENT = '0020000000000001';

test('a joined span of an unsampled trace has its client\'s IDs and shared: true, and its children are under it', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'server', sink });
  const server = tracer.startSpan('get', { kind: 'SERVER', parent: extractB3({ b3: `${TRACE}-${CLIENT}-0-${PARENT}` }), join: true });
  assert.equal(server.isRecording, false);
  assert.deepEqual(server.context, { traceId: TRACE, spanId: CLIENT, parentId: PARENT, sampled: false, debug: false, shared: true });
  assert.deepEqual(server.b3Headers('single'), { b3: `${TRACE}-${CLIENT}-0-${PARENT}` });

  let child: Record<string, string> = {};
  await server.traced((span) => {
    child = span.b3Headers();
  })();
  assert.equal(child['x-b3-traceid'], TRACE);
  assert.equal(child['x-b3-parentspanid'], CLIENT);
  assert.equal(child['x-b3-sampled'], '0');
  server.end();
  await tracer.flush();
  assert.equal(sink.spans.length, 0);
});
