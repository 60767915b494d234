// A spool keeps encoded batches: one written by a JSON sink and replayed by a sink set to proto3 (or
// the other way round) is sent as what it holds, with the content type of its own encoding, to the
// real Zipkin, which stores every span of both runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, zipkinHttpSink } from '../src/index.js';
import { freePort } from './fixtures/http-collector.js';
import { segments, tempDir } from './fixtures/spool-helpers.js';
import { getTrace, requireZipkinUrl, uniqueServiceName, waitFor, zipkinSkip } from './helpers/zipkin.js';

for (const [written, replayed] of [['json', 'proto3'], ['proto3', 'json']] as const) {
  test(`a spool written by a ${written} sink, replayed by a ${replayed} sink, reaches the real Zipkin whole`, { skip: zipkinSkip() }, async (t) => {
    const dir = tempDir(t, `spool-${written}-${replayed}`);
    const down = `http://127.0.0.1:${await freePort()}/api/v2/spans`;
    const first = createTracer({
      serviceName: uniqueServiceName(`spool-${written}`),
      sink: zipkinHttpSink({ url: down, encoding: written, spool: { dir, always: true }, maxBatchSpans: 20, initialBackoffMillis: 10, maxBackoffMillis: 20, warnings: false }),
      warnings: false,
    });
    const root = first.startSpan('job');
    for (let i = 0; i < 59; i++) first.startSpan(`item ${i}`, { kind: 'CLIENT', parent: root }).tag('i', i).end();
    root.end();
    await first.close({ timeoutMillis: 500 });
    assert.ok(segments(dir).length > 0, 'the spans are on disk');

    const second = createTracer({
      serviceName: uniqueServiceName(`spool-${replayed}`),
      sink: zipkinHttpSink({ url: `${requireZipkinUrl()}/api/v2/spans`, encoding: replayed, spool: { dir }, warnings: false }),
      warnings: false,
    });
    await second.flush({ timeoutMillis: 10_000 });
    const s = second.stats();
    await second.close();
    assert.equal(s.dropped.rejected, 0, JSON.stringify(s));
    const spans = await waitFor(() => getTrace(root.context.traceId), (x) => x.length === 60, { description: 'the whole trace in Zipkin' });
    assert.equal(new Set(spans.map((x) => x.id)).size, 60);
    assert.deepEqual(segments(dir), []);
  });
}
