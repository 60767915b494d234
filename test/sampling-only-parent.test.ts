// `b3: 1`, `b3: 0` and `b3: d` carry only a decision: a new trace starts that keeps it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, extractB3, memorySink } from '../src/index.js';
import { assertZipkinSpan } from './helpers/zipkin-spec.js';

interface Case {
  readonly header: string;
  readonly sampleRate: number;
  readonly expected: { readonly emitted: boolean; readonly debug: boolean; readonly sampled: string | undefined };
}

const cases: readonly Case[] = [
  { header: '1', sampleRate: 0, expected: { emitted: true, debug: false, sampled: '1' } },
  { header: 'd', sampleRate: 0, expected: { emitted: true, debug: true, sampled: undefined } },
  { header: '0', sampleRate: 1, expected: { emitted: false, debug: false, sampled: '0' } },
];

for (const { header, sampleRate, expected } of cases) {
  test(`a "b3: ${header}" parent starts a new trace that keeps the decision, whatever sampleRate (${sampleRate}) says`, async () => {
    const sink = memorySink();
    const tracer = createTracer({ serviceName: 'decision', sink, sampleRate });
    const parent = extractB3({ b3: header });
    assert.ok(parent !== undefined && parent.traceId === undefined);

    let headers: Record<string, string> = {};
    let childHeaders: Record<string, string> = {};
    await tracer.traced(async (span) => {
      headers = span.b3Headers();
      await span.traced((child) => {
        childHeaders = child.b3Headers();
      })();
    }, { parent, name: 'handle' })();
    // join needs IDs to join: with a decision only, a new trace starts.
    tracer.startSpan('server', { kind: 'SERVER', parent, join: true }).end();
    await tracer.flush();

    assert.match(headers['x-b3-traceid'] ?? '', /^[0-9a-f]{32}$/);
    assert.equal(headers['x-b3-parentspanid'], undefined, 'a new trace: the span is a root');
    assert.equal(headers['x-b3-sampled'], expected.sampled);
    assert.equal(headers['x-b3-flags'], expected.debug ? '1' : undefined);
    assert.equal(childHeaders['x-b3-traceid'], headers['x-b3-traceid']);
    assert.equal(childHeaders['x-b3-sampled'], expected.sampled);

    if (!expected.emitted) {
      assert.equal(sink.spans.length, 0);
      assert.equal(tracer.stats().unsampled, 3);
      return;
    }
    assert.equal(sink.spans.length, 3);
    const roots = sink.spans.filter((s) => s.parentId === undefined);
    assert.equal(roots.length, 2, 'the traced call and the server span each start a trace');
    assert.notEqual(roots[0]!.traceId, roots[1]!.traceId);
    for (const s of sink.spans) {
      assert.equal(s.debug, expected.debug ? true : undefined);
      assert.equal(s.shared, undefined);
      assertZipkinSpan(s);
    }
  });
}
