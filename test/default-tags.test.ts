import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, encodeNdjson } from '../src/index.js';
import { recordSink } from './helpers/record-sink.js';

test('default tags appear on every span, function tags override them, and a span\'s own tags override both', async () => {
  const sink = recordSink();
  const records = sink.records;
  const tracer = createTracer({ serviceName: 'tags', sink, defaultTags: { env: 'prod', region: 'eu', team: 'storage' } });
  const read = tracer.traced(
    (span, own?: Record<string, string>) => {
      for (const [k, v] of Object.entries(own ?? {})) span.tag(k, v);
    },
    { name: 'read', tags: { region: 'us' } },
  );
  await read();
  await read({ env: 'dev' });
  await read({ extra: 'x' });
  await tracer.traced(() => 'plain', { name: 'plain' })();
  const failed = tracer.startSpan('failed');
  failed.fail(new Error('boom'));
  await tracer.flush();

  const expected = [
    { env: 'prod', region: 'us', team: 'storage' },
    { env: 'dev', region: 'us', team: 'storage' },
    { env: 'prod', region: 'us', team: 'storage', extra: 'x' },
    { env: 'prod', region: 'eu', team: 'storage' },
    { env: 'prod', region: 'eu', team: 'storage', error: 'boom' },
  ];
  assert.deepEqual(sink.spans.map((s) => s.tags), expected);
  // The hand-written encoder merges the same way.
  const lines = encodeNdjson(records).trimEnd().split('\n').map((l) => JSON.parse(l) as { tags: unknown });
  assert.deepEqual(lines.map((l) => l.tags), expected);
});
