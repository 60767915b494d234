// A peer that deferred the decision sends IDs without a sampled state: every span of the trace,
// in every service, must come to the same decision, or traces arrive with holes.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { createTracer, extractB3, memorySink } from '../src/index.js';

test('a deferred decision is the same for every span of a trace, across tracers', async () => {
  const sinkA = memorySink();
  const sinkB = memorySink();
  const a = createTracer({ serviceName: 'a', sink: sinkA, sampleRate: 0.5 });
  const b = createTracer({ serviceName: 'b', sink: sinkB, sampleRate: 0.5 });
  const traces: string[] = [];
  for (let i = 0; i < 400; i++) {
    const traceId = randomBytes(16).toString('hex');
    traces.push(traceId);
    const headers = { 'x-b3-traceid': traceId, 'x-b3-spanid': randomBytes(8).toString('hex') };
    const parent = extractB3(headers);
    assert.equal(parent?.sampled, undefined);
    for (const tracer of [a, b]) {
      const server = tracer.startSpan('server', { kind: 'SERVER', parent, join: true });
      await server.traced(async (span) => {
        await span.traced(() => 'leaf')();
        // What this service forwards holds the decision it took.
        const sampled = span.b3Headers()['x-b3-sampled'];
        assert.equal(sampled, span.isRecording ? '1' : '0');
      })();
      await tracer.traced(() => 'sibling', { parent })();
      server.end();
    }
  }
  await a.flush();
  await b.flush();

  let kept = 0;
  for (const traceId of traces) {
    const count = [...sinkA.spans, ...sinkB.spans].filter((s) => s.traceId === traceId).length;
    assert.ok(count === 0 || count === 8, `trace ${traceId}: ${count} of 8 spans`);
    if (count === 8) kept++;
  }
  // Both outcomes happen: the decision really was made per trace (400 traces at 0.5).
  assert.ok(kept > 0 && kept < traces.length, `${kept} of ${traces.length} traces kept`);
});
