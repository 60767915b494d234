import { test } from 'node:test';
import assert from 'node:assert/strict';
import { only, tracerWithSink, turns } from './fixtures/map-helpers.js';

test('an abort stops scheduling, lets the calls in flight finish, rejects with the reason and records how the job ended', async () => {
  const { tracer, sink } = tracerWithSink();
  const controller = new AbortController();
  const reason = new Error('operator pressed ctrl-c');
  const called: number[] = [];
  let inFlightFinished = 0;
  const job = tracer.map(
    Array.from({ length: 50 }, (_, i) => i),
    async (_span, i) => {
      called.push(i);
      if (i === 5) controller.abort(reason);
      await turns(3);
      if (controller.signal.aborted) inFlightFinished++;
      return i;
    },
    { name: 'job', itemName: 'work', concurrency: 3, signal: controller.signal },
  );
  await assert.rejects(job, (error) => error === reason);
  assert.deepEqual(called, [0, 1, 2, 3, 4, 5], 'nothing started after the abort');
  assert.equal(inFlightFinished, 3, 'items 3, 4 and 5 were in flight and ran to the end');

  await tracer.flush();
  assert.equal(sink.spans.filter((s) => s.name === 'work').length, 6);
  const tags = only(sink.spans, 'job').tags ?? {};
  assert.equal(tags['map.outcome'], 'aborted');
  assert.equal(tags['map.abort_reason'], 'operator pressed ctrl-c');
  assert.equal(tags['map.done'], '6');
  assert.equal(tags['map.failed'], '0');
  assert.equal(tags['map.not_started'], '44');
  assert.equal(tags.error, 'operator pressed ctrl-c');
});

test('a signal aborted before the call starts nothing and records every item as not started', async () => {
  const { tracer, sink } = tracerWithSink();
  let calls = 0;
  const signal = AbortSignal.abort();
  await assert.rejects(
    tracer.map(new Set(['a', 'b', 'c']), () => calls++, { name: 'job', signal }),
    (error) => error === signal.reason,
  );
  assert.equal(calls, 0);
  await tracer.flush();
  const tags = only(sink.spans, 'job').tags ?? {};
  assert.equal(tags['map.outcome'], 'aborted');
  assert.equal(tags['map.abort_reason'], 'This operation was aborted');
  assert.equal(tags['map.not_started'], '3');
});

test('an abort while waiting on a slow async iterable stops the job without waiting for the next item', async () => {
  const { tracer, sink } = tracerWithSink();
  const controller = new AbortController();
  let release: (() => void) | undefined;
  let closed = false;
  async function* items(): AsyncGenerator<number> {
    try {
      yield 1;
      yield 2;
      // The source stalls (a queue with nothing in it), until the test releases it.
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      yield 3;
    } finally {
      closed = true;
    }
  }
  const job = tracer.map(items(), async (_span, n) => n, { name: 'job', signal: controller.signal, results: false });
  // Wait for the source to stall, by polling with a deadline.
  const deadline = Date.now() + 5000;
  while (release === undefined) {
    assert.ok(Date.now() < deadline, 'the source never stalled');
    await turns(1);
  }
  controller.abort('shutting down');
  await assert.rejects(job, (error) => error === 'shutting down');
  await tracer.flush();
  const tags = only(sink.spans, 'job').tags ?? {};
  assert.equal(tags['map.outcome'], 'aborted');
  assert.equal(tags['map.done'], '2');
  assert.equal(tags['map.not_started'], 'unknown', 'a generator cannot tell how many items it had left');
  // The generator is told to close once it stops stalling.
  release?.();
  const closeDeadline = Date.now() + 5000;
  while (!closed) {
    assert.ok(Date.now() < closeDeadline, 'the generator was never closed');
    await turns(1);
  }
});
