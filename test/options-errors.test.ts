import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, memorySink, OptionsError, type TracerOptions } from '../src/index.js';

const cases: Array<[string, unknown, RegExp]> = [
  ['serviceName missing', {}, /serviceName: expected a non-empty string/],
  ['serviceName empty', { serviceName: '' }, /serviceName: expected a non-empty string/],
  ['serviceName blank', { serviceName: '   ' }, /serviceName: expected a non-empty string/],
  ['serviceName a number', { serviceName: 42 }, /serviceName: expected a non-empty string/],
  ['sampleRate 2', { serviceName: 's', sampleRate: 2 }, /sampleRate: expected a number from 0 to 1/],
  ['sampleRate NaN', { serviceName: 's', sampleRate: Number.NaN }, /sampleRate: expected a number from 0 to 1/],
  ['localEndpoint.port 0', { serviceName: 's', localEndpoint: { port: 0 } }, /localEndpoint\.port: expected an integer from 1 to 65535/],
  ['localEndpoint.ipv4 "x"', { serviceName: 's', localEndpoint: { ipv4: 'x' } }, /localEndpoint\.ipv4: expected an IPv4 address/],
  ['unknown option sampelRate', { serviceName: 's', sampelRate: 0.5 }, /"sampelRate"/],
  ['defaultTags with a number', { serviceName: 's', defaultTags: { n: 1 } }, /defaultTags\.n: expected a string/],
  ['sink without write', { serviceName: 's', sink: {} }, /sink: expected a sink/],
  ['traceId128Bit a string', { serviceName: 's', traceId128Bit: 'yes' }, /traceId128Bit: expected true or false/],
];

for (const [what, options, message] of cases) {
  test(`createTracer throws an OptionsError naming the option when ${what}`, () => {
    assert.throws(
      () => createTracer(options as TracerOptions),
      (error: unknown) => {
        assert.ok(error instanceof OptionsError);
        assert.ok(error instanceof TypeError);
        assert.match(error.message, /^createTracer: invalid options/);
        assert.match(error.message, message);
        assert.ok(error.problems.length >= 1);
        return true;
      },
    );
  });
}

test('every bad option is named in one error, and good options are accepted', () => {
  assert.throws(
    () => createTracer({ serviceName: '', sampleRate: -1, localEndpoint: { port: 70000 } } as TracerOptions),
    (error: unknown) => error instanceof OptionsError && error.problems.length === 3,
  );
  const tracer = createTracer({ serviceName: 'Checkout', sink: memorySink(), localEndpoint: { ipv4: '10.0.0.7', ipv6: '2001:db8::c001', port: 8080 } });
  assert.equal(tracer.serviceName, 'checkout', 'written lowercase');
});
