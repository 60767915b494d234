// A span keeps a bounded amount of data and no span method throws into user code, whatever it is given.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, memorySink, type DiagnosticEvent, type Endpoint } from '../src/index.js';

test('a span keeps at most maxTagsPerSpan tags and maxAnnotationsPerSpan annotations (128 by default); the rest are dropped and reported once per kind', async () => {
  const sink = memorySink();
  const events: DiagnosticEvent[] = [];
  const tracer = createTracer({ serviceName: 'limits', sink, warnings: false, onError: (e) => events.push(e) });
  const many = tracer.traced(async (span) => {
    for (let i = 0; i < 1000; i++) span.tag(`k${i}`, i).annotate(`event ${i}`);
    span.tag('k0', 'overwritten: an existing key is no new tag');
  }, { name: 'many' });
  await many();
  await many();
  const small = createTracer({ serviceName: 'limits', sink, warnings: false, maxTagsPerSpan: 2, maxAnnotationsPerSpan: 1 });
  await small.traced(async (span) => span.tag('a', 1).tag('b', 2).tag('c', 3).annotate('x').annotate('y'), { name: 'small' })();
  await tracer.flush();
  await small.flush();
  const [first, second, third] = sink.spans;
  assert.equal(Object.keys(first!.tags ?? {}).length, 128);
  assert.equal(first!.tags?.k0, 'overwritten: an existing key is no new tag');
  assert.equal(first!.annotations?.length, 128);
  assert.equal(Object.keys(second!.tags ?? {}).length, 128);
  assert.deepEqual(third!.tags, { a: '1', b: '2' });
  assert.deepEqual(third!.annotations?.map((a) => a.value), ['x']);
  const kinds = events.map((e) => e.kind);
  assert.equal(kinds.filter((k) => k === 'TOO_MANY_TAGS').length, 2 * 872, 'each dropped tag is counted');
  assert.equal(tracer.stats().failures.TOO_MANY_ANNOTATIONS, 2 * 872);
});

test('setRemoteEndpoint, tag and annotate never throw for a Proxy or a throwing getter: the value is dropped and reported', async () => {
  const sink = memorySink();
  const events: DiagnosticEvent[] = [];
  const tracer = createTracer({ serviceName: 'hostile', sink, warnings: false, onError: (e) => events.push(e) });
  const hostile = new Proxy({}, { get: () => { throw new Error('trap'); }, ownKeys: () => { throw new Error('trap'); } });
  const getter = { get ipv4(): string { throw new Error('getter'); } };
  const call = tracer.traced(async (span) => {
    span.setRemoteEndpoint(hostile as Endpoint).setRemoteEndpoint(getter as Endpoint);
    span.tag('proxy', hostile).tag('getter', getter).annotate(hostile as never);
    return 'fine';
  }, { name: 'hostile' });
  assert.equal(await call(), 'fine');
  await tracer.flush();
  assert.equal(sink.spans.length, 1);
  assert.equal(sink.spans[0]!.remoteEndpoint, undefined);
  assert.ok(events.some((e) => e.kind === 'BAD_ENDPOINT' && /threw/.test(e.message)));
});
