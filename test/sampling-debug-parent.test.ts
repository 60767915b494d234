import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, extractB3, memorySink, type Span } from '../src/index.js';
import { assertZipkinSpan } from './helpers/zipkin-spec.js';

const TRACE = '80f198ee56343ba864fe8b2a57d3eff7';
const SPAN = 'e457b5a2e4d86bd1';

test('children of a debug parent are recorded with debug: true, even at sampleRate 0, and propagate the flag', async () => {
  for (const headers of [{ 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN, 'x-b3-flags': '1' }, { b3: `${TRACE}-${SPAN}-d` }]) {
    const sink = memorySink();
    const tracer = createTracer({ serviceName: 'debug', sink, sampleRate: 0 });
    const parent = extractB3(headers);
    assert.equal(parent?.debug, true);
    let child: Span | undefined;
    let grandchild: Span | undefined;
    await tracer.traced(async (span) => {
      child = span;
      await span.traced((g) => {
        grandchild = g;
      })();
    }, { parent })();
    const server = tracer.startSpan('server', { kind: 'SERVER', parent, join: true });
    server.end();
    await tracer.flush();

    assert.equal(sink.spans.length, 3);
    for (const s of sink.spans) {
      assert.equal(s.debug, true);
      assert.equal(s.traceId, TRACE);
      assertZipkinSpan(s);
    }
    assert.equal(sink.spans.find((s) => s.shared)?.id, SPAN);
    for (const s of [child!, grandchild!]) {
      const multi = s.b3Headers();
      assert.equal(multi['x-b3-flags'], '1');
      assert.equal(multi['x-b3-sampled'], undefined, 'debug implies sampled: the spec says not to send both');
      assert.equal(s.b3Headers('single').b3?.split('-')[2], 'd');
      assert.equal(s.context.debug, true);
    }
  }
});
