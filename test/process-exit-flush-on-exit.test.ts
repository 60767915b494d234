import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScript, startCollector } from './fixtures/reliability-child.js';
import { assertZipkinSpan } from './helpers/zipkin-spec.js';

test('with flushOnExit a script that just returns loses no finished span, though the sink would only send a minute later', async () => {
  const collector = await startCollector();
  try {
    const { code, signal, stderr } = await runScript({ MODE: 'http', N: '300', COLLECTOR_URL: collector.url }).exited;
    assert.equal(signal, null);
    assert.equal(code, 0, stderr);
    assert.equal(collector.spans.length, 300);
    for (const span of collector.spans) assertZipkinSpan(span);
    assert.equal(new Set(collector.spans.map((s) => s.id)).size, 300, 'each span once');
  } finally {
    collector.server.close();
  }
});
