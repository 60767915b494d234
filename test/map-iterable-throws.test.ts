import { test } from 'node:test';
import assert from 'node:assert/strict';
import { only, tracerWithSink, turns } from './fixtures/map-helpers.js';

for (const mode of ['failFast', 'settle'] as const) {
  test(`in ${mode} mode an iterable that throws stops the job, lets the calls in flight finish and rejects with its error`, async () => {
    const { tracer, sink } = tracerWithSink();
    const broken = new Error('the source broke');
    async function* items(): AsyncGenerator<number> {
      yield 0;
      yield 1;
      throw broken;
    }
    const finished: number[] = [];
    await assert.rejects(
      tracer.map(items(), async (_span, n) => {
        await turns(5);
        finished.push(n);
      }, { name: 'job', mode }),
      (error) => error === broken,
    );
    assert.deepEqual(finished, [0, 1]);
    await tracer.flush();
    const tags = only(sink.spans, 'job').tags ?? {};
    assert.equal(tags['map.outcome'], 'failed');
    assert.equal(tags.error, 'the source broke');
    assert.equal(tags['map.done'], '2');
  });
}
