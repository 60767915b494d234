import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, memorySink } from '../src/index.js';

for (const trackOrphans of [false, true]) {
  test(`a map item that outlasts close()'s deadline leaves the job span as close() emitted it, with no SPAN_ALREADY_ENDED from the library (trackOrphans: ${trackOrphans})`, async () => {
    const sink = memorySink();
    const tracer = createTracer({ serviceName: 'map-close', sink, warnings: false, trackOrphans });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const job = tracer.map([1, 2, 3], async () => {
      started();
      await held;
    }, { name: 'job', concurrency: 1 });
    const outcome = job.then(() => 'resolved', () => 'rejected');
    await running;
    const result = await tracer.close({ timeoutMillis: 50 });
    assert.equal(result.complete, true, 'the open spans were emitted, marked unfinished');
    release();
    assert.equal(await outcome, 'rejected', 'the job was stopped by close()');
    const jobSpan = sink.spans.find((s) => s.name === 'job');
    assert.equal(jobSpan?.tags?.unfinished, 'close');
    assert.equal(tracer.stats().failures.SPAN_ALREADY_ENDED, undefined);
  });
}
