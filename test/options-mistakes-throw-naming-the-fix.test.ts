// A user's mistake in options gets an OptionsError that names it and says the fix, at once:
// a misspelt key is never ignored (a misspelt parent would silently start a new trace).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, extractB3, memorySink, OptionsError, zipkinHttpSink } from '../src/index.js';

const tracer = createTracer({ serviceName: 'mistakes', sink: memorySink(), warnings: false });
const root = tracer.startSpan('root');
const fn = async (): Promise<number> => 1;

/** The OptionsError `call` throws: its problems, one line each. */
function problemsOf(call: () => unknown): readonly string[] {
  try {
    call();
  } catch (error) {
    assert.ok(error instanceof OptionsError, `expected an OptionsError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('expected an OptionsError, nothing was thrown');
}

test('misspelt options of traced, startSpan and map throw, naming the key and the option meant', () => {
  assert.deepEqual(problemsOf(() => tracer.traced(fn, { parnet: root } as never)), ['(options): unknown option(s) "parnet"; check the spelling against the README: "parnet": did you mean "parent"?']);
  assert.match(problemsOf(() => tracer.traced(fn, { knid: 'CLIENT' } as never))[0]!, /"knid": did you mean "kind"\?/);
  assert.match(problemsOf(() => tracer.startSpan('x', { parentSpan: root } as never))[0]!, /"parentSpan": did you mean "parent"\?/);
  assert.match(problemsOf(() => tracer.startSpan('x', { joined: true } as never))[0]!, /"joined": did you mean "join"\?/);
  assert.match(problemsOf(() => tracer.map([1], fn, { parnet: root } as never))[0]!, /"parnet": did you mean "parent"\?/);
  assert.match(problemsOf(() => createTracer({ serviceName: 's', sampelRate: 1 } as never))[0]!, /"sampelRate": did you mean "sampleRate"\?/);
  assert.match(problemsOf(() => zipkinHttpSink({ maxInflight: 2 } as never))[0]!, /"maxInflight": did you mean "maxInFlight"\?/);
  assert.equal(tracer.stats().failures.BAD_PARENT, undefined, 'nothing was started and nothing reported');
});

test('headers given as a parent say to pass extractB3(headers); other non-parents say what a parent is', () => {
  const headers = { 'x-b3-traceid': '463ac35c9f6413ad48485a3953bb6124', 'x-b3-spanid': 'a2fb4a1d1a96d312' };
  for (const given of [headers, new Headers(headers), new Map(Object.entries(headers)), { host: 'proxy:8080', accept: '*/*' }]) {
    assert.deepEqual(problemsOf(() => tracer.startSpan('x', { parent: given as never })), ['parent: this looks like headers; pass extractB3(headers) instead, which reads the B3 context from them (undefined when there is none)']);
    assert.match(problemsOf(() => tracer.traced(fn, { parent: given as never }))[0]!, /pass extractB3\(headers\)/);
  }
  assert.match(problemsOf(() => tracer.startSpan('x', { parent: '463ac35c9f6413ad' as never }))[0]!, /^parent: expected a Span, a SpanContext \(e\.g\. extractB3\(req\.headers\)\), a zipkin-js TraceId or null; got a string$/);
  assert.match(problemsOf(() => tracer.startSpan('x', { parent: {} as never }))[0]!, /got object/);
  // What extractB3 returns is always fine, present or not.
  const joined = tracer.startSpan('server', { parent: extractB3(headers), join: true });
  assert.equal(joined.context.traceId, headers['x-b3-traceid']);
  tracer.startSpan('no headers', { parent: extractB3({}) }).end();
  joined.end();
});

test('a non-object options argument gets a sentence, and hostile option objects an OptionsError, never the raw error', () => {
  assert.deepEqual(problemsOf(() => createTracer('proxy' as never)), ['(options): expected an options object, like createTracer({ … }), got a string']);
  assert.match(problemsOf(() => tracer.traced(fn, 'name' as never))[0]!, /expected an options object like \{ name, kind, parent \}, got a string/);
  const hostile = new Proxy({}, { ownKeys: () => { throw new Error('no keys for you'); }, get: () => { throw new Error('no values'); } });
  assert.match(problemsOf(() => createTracer(hostile as never))[0]!, /reading the options threw \((no keys for you|no values)\); pass a plain object/);
  assert.match(problemsOf(() => tracer.traced(fn, hostile as never))[0]!, /reading the options threw/);
  assert.match(problemsOf(() => tracer.startSpan('x', hostile as never))[0]!, /reading the options threw/);
  const getter = { get parent(): never { throw new Error('getter'); } };
  assert.match(problemsOf(() => tracer.startSpan('x', getter))[0]!, /reading the options threw \(getter\)/);
});
