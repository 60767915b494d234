// readSpanFile's hand-written checks of the common case (for speed) give exactly what the zod
// schema gives: the same spans (known fields only) and, for anything not accepted, the schema's
// own message. Random spans, valid and broken in every field.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseSpan, parseSpanWithSchema } from '../src/model/zipkin-span-schema.js';

const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
const anything = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 40, arbitrary: arb }, { weight: 1, arbitrary: anything });
const endpoint = fc.record(
  {
    serviceName: maybe(fc.string()),
    ipv4: maybe(fc.oneof({ weight: 8, arbitrary: fc.ipV4() }, { weight: 1, arbitrary: fc.constantFrom('010.0.0.1', '256.1.1.1', '1.2.3', '::1') })),
    ipv6: maybe(fc.oneof(fc.ipV6(), fc.constantFrom('::1', '2001:db8::c001', 'zz::1'))),
    port: maybe(fc.integer({ min: -2, max: 70_000 })),
    extra: anything,
  },
  { requiredKeys: [] },
);
const span = fc.record(
  {
    traceId: maybe(fc.oneof({ weight: 8, arbitrary: hex(32) }, { weight: 8, arbitrary: hex(16) }, { weight: 1, arbitrary: fc.constant('0'.repeat(16)) }, { weight: 1, arbitrary: hex(15) })),
    id: maybe(fc.oneof({ weight: 12, arbitrary: hex(16) }, { weight: 1, arbitrary: hex(17) })),
    parentId: maybe(hex(16)),
    kind: maybe(fc.constantFrom('CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER', 'CLIENT', 'SERVER', 'client', 'LOCAL')),
    name: maybe(fc.string()),
    timestamp: maybe(fc.oneof(fc.integer({ min: -5, max: 2 ** 53 }), fc.double())),
    duration: maybe(fc.integer({ min: -1, max: 1e9 })),
    debug: maybe(fc.boolean()),
    shared: maybe(fc.boolean()),
    localEndpoint: maybe(endpoint),
    remoteEndpoint: maybe(endpoint),
    annotations: maybe(fc.array(fc.oneof(fc.record({ timestamp: maybe(fc.integer({ min: -1, max: 2 ** 40 })), value: maybe(fc.string()) }), anything), { maxLength: 4 })),
    tags: maybe(fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString')), maybe(fc.string()), { maxKeys: 5 })),
    unknown: anything,
  },
  { requiredKeys: [] },
);

test('hand-written checks and the schema agree on every span, valid or not', () => {
  let accepted = 0;
  fc.assert(
    fc.property(span, (s) => {
      // Through JSON, as a file gives it (a __proto__ key becomes an own property).
      const value: unknown = JSON.parse(JSON.stringify(s));
      const got = parseSpan(value);
      assert.deepEqual(got, parseSpanWithSchema(value));
      if (got.ok) accepted++;
    }),
    { numRuns: 30_000 },
  );
  assert.ok(accepted > 1000, `enough valid spans were generated (${accepted})`);
});
