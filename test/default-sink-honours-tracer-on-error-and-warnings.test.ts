import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { createTracer, type DiagnosticEvent } from '../src/index.js';

/** A loopback port nothing listens on: bound once, then released. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('with OTEL_EXPORTER_ZIPKIN_ENDPOINT set and no sink, the default Zipkin sink reports through the tracer: its onError, its warnings: false, its failures, and counts that add up', async () => {
  const port = await deadPort();
  const before = process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT;
  process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT = `http://127.0.0.1:${port}/api/v2/spans`;
  const events: DiagnosticEvent[] = [];
  const warnings: Error[] = [];
  const onWarning = (w: Error): void => void warnings.push(w);
  process.on('warning', onWarning);
  try {
    const tracer = createTracer({ serviceName: 'default-sink', onError: (e) => events.push(e), warnings: false });
    const work = tracer.traced(async () => 1, { name: 'work' });
    for (let i = 0; i < 20; i++) await work();
    const result = await tracer.close({ timeoutMillis: 300 });
    await new Promise<void>((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick

    assert.equal(result.complete, false, 'nothing could be delivered to a dead port');
    const s = tracer.stats();
    assert.equal(s.ended, 20);
    const dropped = s.dropped.queueFull + s.dropped.rejected + s.dropped.expired + s.dropped.sinkFailed;
    assert.equal(s.sent + dropped + s.queued + s.inFlight, s.ended, 'every span is counted once');
    assert.equal(s.dropped.expired, 20);
    assert.ok(events.some((e) => e.kind === 'ZIPKIN_CLOSE_TIMEOUT'), `onError got ${events.map((e) => e.kind).join(', ')}`);
    assert.ok((s.failures.ZIPKIN_CLOSE_TIMEOUT ?? 0) >= 1, 'the sink’s failures are counted in the tracer’s stats');
    assert.equal(s.lastError, events.at(-1)?.message);
    assert.deepEqual(warnings.filter((w) => /DeferredSpan/.test(w.name)).map((w) => w.message), [], 'warnings: false holds for the default sink');
  } finally {
    process.off('warning', onWarning);
    if (before === undefined) delete process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT;
    else process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT = before;
  }
});
