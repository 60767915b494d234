// tracer.extract over random mixes of B3 and W3C headers, valid and not: never throws, and gives
// what the first listed format that reads a context gives (B3 keeping a same-span tracestate).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { createTracer, extractB3, extractW3C, memorySink, type PropagationFormat } from '../src/index.js';

const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
const traceId = fc.oneof(hex(32), hex(16), fc.constant('0'.repeat(32)));
const spanId = fc.oneof(hex(16), fc.constant('aaaaaaaaaaaaaaaa'), fc.string({ maxLength: 17 }));
const headerPiece = fc.record(
  {
    b3: fc.oneof(fc.tuple(traceId, spanId, fc.constantFrom('1', '0', 'd', '')).map(([t, s, f]) => (f === '' ? `${t}-${s}` : `${t}-${s}-${f}`)), fc.constantFrom('0', '1', 'x'), fc.string()),
    'x-b3-traceid': traceId,
    'x-b3-spanid': spanId,
    'x-b3-sampled': fc.constantFrom('1', '0', 'true', 'maybe'),
    traceparent: fc.oneof(
      fc.tuple(fc.constantFrom('00', '01', 'ff', 'cc'), hex(32), spanId, fc.constantFrom('00', '01', '03', 'zz')).map(([v, t, s, f]) => `${v}-${t}-${s}-${f}`),
      fc.string(),
    ),
    tracestate: fc.oneof(fc.constantFrom('rojo=1', 'rojo=1,congo=2', 'Bad=1', ''), fc.string()),
  },
  { requiredKeys: [] },
);
const formats = fc.constantFrom<PropagationFormat[]>(['b3'], ['b3-single'], ['w3c'], ['b3', 'w3c'], ['w3c', 'b3'], ['w3c', 'b3-single']);

test('tracer.extract never throws and answers by the first format that reads a context', () => {
  fc.assert(
    fc.property(headerPiece, formats, fc.boolean(), (headers, propagation, asHeaders) => {
      const tracer = createTracer({ serviceName: 'fuzz', sink: memorySink(), propagation, warnings: false, exitTimeoutMillis: 0 });
      let carrier: Record<string, string> | Headers = headers;
      if (asHeaders) {
        try {
          carrier = new Headers(headers);
        } catch {
          carrier = headers; // not valid HTTP header values: stay a plain object
        }
      }
      const got = tracer.extract(carrier);
      let expected: unknown;
      for (const f of propagation) {
        const c = f === 'w3c' ? extractW3C(carrier) : extractB3(carrier);
        if (c === undefined) continue;
        expected = c;
        if (f !== 'w3c' && c.traceId !== undefined && propagation.includes('w3c')) {
          const w = extractW3C(carrier);
          const same = w !== undefined && w.spanId === c.spanId && (w.traceId === c.traceId || w.traceId === '0'.repeat(16) + c.traceId);
          if (same) expected = { ...c, randomTraceId: w.randomTraceId, ...(w.tracestate !== undefined && { tracestate: w.tracestate }) };
        }
        break;
      }
      assert.deepEqual(got, expected);
      void tracer.close();
    }),
    { numRuns: 20_000 },
  );
});
