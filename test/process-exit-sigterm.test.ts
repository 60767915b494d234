import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScript, startCollector, waitForLine } from './fixtures/reliability-child.js';
import { assertZipkinSpan } from './helpers/zipkin-spec.js';

test('SIGTERM while calls are in flight delivers every span that had finished, then ends the process by the signal', async () => {
  const collector = await startCollector();
  try {
    const run = runScript({ MODE: 'sigterm', N: '150', IN_FLIGHT: '5', COLLECTOR_URL: collector.url });
    await waitForLine(run.child, 'ready');
    run.child.kill('SIGTERM');
    const { code, signal, stderr } = await run.exited;
    assert.ok(signal === 'SIGTERM' || code === 143, `ended by ${signal ?? code}; stderr: ${stderr}`);
    for (const span of collector.spans) assertZipkinSpan(span);
    const finished = collector.spans.filter((s) => s.name === 'finished');
    assert.equal(finished.length, 150, 'every finished span was delivered');
    assert.equal(new Set(finished.map((s) => s.id)).size, 150);
    // Calls still running at the signal may be reported as unfinished; nothing else may appear.
    for (const s of collector.spans) assert.ok(s.name === 'finished' || s.name === 'in-flight', String(s.name));
  } finally {
    collector.server.close();
  }
});
