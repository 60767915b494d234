import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createTracer, extractB3, memorySink, type Span } from '../src/index.js';
import { headerSets, NASTY, toObject } from './fixtures/reliability-b3-arbitraries.js';

// What an outgoing B3 header may hold: IDs as lower-hex, sampling as 0/1, debug as 1.
const GRAMMAR: Readonly<Record<string, RegExp>> = {
  'x-b3-traceid': /^(?:[0-9a-f]{32}|[0-9a-f]{16})$/,
  'x-b3-spanid': /^[0-9a-f]{16}$/,
  'x-b3-parentspanid': /^[0-9a-f]{16}$/,
  'x-b3-sampled': /^[01]$/,
  'x-b3-flags': /^1$/,
  b3: /^(?:[0-9a-f]{32}|[0-9a-f]{16})-[0-9a-f]{16}(?:-[01d])?(?:-[0-9a-f]{16})?$/,
};

function assertSafeHeaders(headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) {
    const rule = GRAMMAR[name];
    assert.ok(rule !== undefined, `unexpected header name ${JSON.stringify(name)}`);
    assert.equal(typeof value, 'string');
    assert.match(value, rule, `${name}: ${JSON.stringify(value).slice(0, 200)}`);
  }
}

function allOutgoing(span: Span): Record<string, string>[] {
  return [span.b3Headers('multi'), span.b3Headers('single')];
}

const tracer = createTracer({ serviceName: 'injection', sink: memorySink(), warnings: false });

test('contexts extracted from hostile headers only ever propagate hex IDs and flags downstream', async () => {
  await fc.assert(
    fc.asyncProperty(headerSets, fc.boolean(), async (set, join) => {
      const parent = extractB3(toObject(set));
      const server = tracer.startSpan('server', { parent, join });
      for (const h of allOutgoing(server)) assertSafeHeaders(h);
      // A child made inside the call: what a proxy forwards downstream.
      await server.traced(async (child) => {
        for (const h of allOutgoing(child)) assertSafeHeaders(h);
      })();
      server.end();
    }),
    { numRuns: 20_000 },
  );
});

// Junk a caller could put in a hand-made SpanContext: header injection, wrong case and length, non-strings.
const junkId = fc.oneof(
  fc.constantFrom(
    'a2fb4a1d1a96d312\r\nSet-Cookie: x=1',
    'A2FB4A1D1A96D312',
    'a2fb4a1d1a96d31',
    'a2fb4a1d1a96d3120',
    '0000000000000000',
    '00000000000000000000000000000000',
    ' a2fb4a1d1a96d312',
    'a2fb4a1d1a96d312-1',
    '',
  ),
  fc.string({ unit: fc.constantFrom(...NASTY, 'a', 'b', '1'), minLength: 1, maxLength: 40 }),
  fc.constantFrom(42, 0x1234n, null, {}, ['a2fb4a1d1a96d312'], { toString: () => 'a2fb4a1d1a96d312' }),
);
const goodId = fc.constantFrom('a2fb4a1d1a96d312', '463ac35c9f6413ad48485a3953bb6124');

test('startSpan with a hand-made context holding junk IDs never propagates the junk', () => {
  fc.assert(
    fc.property(
      fc.record({
        traceId: fc.oneof(junkId, goodId),
        spanId: fc.oneof(junkId, fc.constant('e457b5a2e4d86bd1')),
        parentId: fc.oneof(junkId, fc.constant(undefined)),
        sampled: fc.constantFrom(true, false, undefined, 'yes', 1),
        debug: fc.constantFrom(true, false, 'true'),
      }),
      fc.boolean(),
      (junk, join) => {
        const parent = { ...junk, shared: false } as never;
        const span = tracer.startSpan('from junk', { parent, join });
        for (const h of allOutgoing(span)) assertSafeHeaders(h);
        const ctx = span.context;
        const values = [ctx.traceId, ctx.spanId, ctx.parentId];
        // Whatever came in and was not valid hex must not be in the span's own identity.
        for (const v of [junk.traceId, junk.spanId, junk.parentId]) {
          if (typeof v === 'string' && !/^[0-9a-f]{16}(?:[0-9a-f]{16})?$/.test(v)) assert.ok(!values.includes(v), JSON.stringify(v));
        }
        span.end();
      },
    ),
    { numRuns: 5_000 },
  );
});

test('a zipkin-js TraceId look-alike with junk IDs starts a new trace instead of propagating them', () => {
  const junk = 'a2fb4a1d1a96d312\r\nx-evil: 1';
  const parent = {
    traceId: junk,
    spanId: junk,
    parentSpanId: { getOrElse: () => junk },
    sampled: { getOrElse: () => true },
    isDebug: () => false,
  };
  const span = tracer.startSpan('from zipkin-js', { parent });
  for (const h of allOutgoing(span)) assertSafeHeaders(h);
  assert.notEqual(span.context.traceId, junk);
  assert.equal(span.context.parentId, undefined);
  span.end();
});
