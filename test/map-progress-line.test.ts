import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OptionsError, progressLine } from '../src/index.js';
import { tracerWithSink } from './fixtures/map-helpers.js';

/** A stream that records writes, and a clock the test moves by hand. */
function fakes(isTTY: boolean): { stream: { isTTY: boolean; columns: number; writes: string[]; write(t: string): void }; clock: { ms: number; now: () => number } } {
  const writes: string[] = [];
  const clock = { ms: 1000, now: () => clock.ms };
  return { stream: { isTTY, columns: 200, writes, write: (t: string) => void writes.push(t) }, clock };
}

test('on a TTY the progress line is redrawn in place with done, rate and ETA, then replaced by the summary', async () => {
  const { stream, clock } = fakes(true);
  const progress = progressLine({ stream, label: 'images', minIntervalMillis: 0, now: clock.now });
  const { tracer } = tracerWithSink();
  await tracer.map(
    [0, 1, 2, 3],
    (_span, i) => {
      clock.ms += 500; // each item "takes" half a second of the fake clock
      if (i === 2) throw new Error('bad image');
    },
    { mode: 'settle', concurrency: 1, onProgress: progress.update },
  );
  const summary = progress.finish();
  assert.deepEqual(stream.writes, [
    '\r1/4 images (25.0%) · 0 in flight · 2.0/s · ETA 2s\x1b[K',
    '\r2/4 images (50.0%) · 0 in flight · 2.0/s · ETA 1s\x1b[K',
    '\r3/4 images (75.0%) · 1 failed · 0 in flight · 2.0/s · ETA 1s\x1b[K',
    '\r4/4 images (100.0%) · 1 failed · 0 in flight · 2.0/s · ETA 0s\x1b[K',
    '\r4 images: 3 done, 1 failed in 2.0s (2.0/s)\x1b[K\n',
  ]);
  assert.equal(summary, '4 images: 3 done, 1 failed in 2.0s (2.0/s)');
});

test('on a TTY redraws are limited to one per minIntervalMillis', () => {
  const { stream, clock } = fakes(true);
  const progress = progressLine({ stream, minIntervalMillis: 100, now: clock.now });
  for (let i = 1; i <= 10; i++) {
    clock.ms += 30;
    progress.update({ done: i, failed: 0, inFlight: 2 });
  }
  // Drawn at 30 ms, then at 150 ms and 270 ms.
  assert.equal(stream.writes.length, 3);
});

test('off a TTY nothing is drawn until finish writes one summary line', () => {
  const { stream, clock } = fakes(false);
  const progress = progressLine({ stream, minIntervalMillis: 0, now: clock.now });
  for (let i = 1; i <= 5; i++) {
    clock.ms += 1000;
    progress.update({ done: i, failed: 0, inFlight: 1, total: 5 });
  }
  progress.finish('aborted');
  assert.deepEqual(stream.writes, ['5 items: 5 done, 0 failed in 5.0s (1.0/s) (aborted)\n']);
});

test('progressLine names a bad option', () => {
  assert.throws(() => progressLine({ minIntervalMillis: -5 }), (e) => e instanceof OptionsError && e.problems[0]!.startsWith('minIntervalMillis: expected a number of milliseconds'));
  assert.throws(() => progressLine({ stream: {} as never }), (e) => e instanceof OptionsError && e.problems[0]!.startsWith('stream: expected a stream with a write(text) method'));
});
