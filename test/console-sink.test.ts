import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { consoleSink, createTracer } from '../src/index.js';
import { assertValidJsonLine } from './helpers/zipkin-spec.js';

test('consoleSink writes each span as one line of valid Zipkin JSON to the given stream', async () => {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  const tracer = createTracer({ serviceName: 'console', sink: consoleSink({ stream }), defaultTags: { env: 'dev' } });
  const call = tracer.traced(async (span, i: number) => span.tag('i', i), { name: 'call', kind: 'CLIENT', remoteEndpoint: { serviceName: 'db', port: 5432 } });
  await Promise.all(Array.from({ length: 25 }, (_, i) => call(i)));
  await tracer.flush();

  assert.ok(text.endsWith('\n'));
  const spans = text.slice(0, -1).split('\n').map((line) => assertValidJsonLine(line) as { tags: Record<string, string> });
  assert.equal(spans.length, 25);
  assert.deepEqual(new Set(spans.map((s) => s.tags.i)).size, 25);
  for (const s of spans) assert.equal(s.tags.env, 'dev');
});
