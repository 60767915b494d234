import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from './fixtures/cli-run.js';
import { byId, tempFolder, traceSpans, writeSpanFile } from './fixtures/cli-send.js';
import { kafkaBootstrap, kafkaSkip, THROUGH_KAFKA } from './helpers/kafka.js';
import { getTrace, waitFor } from './helpers/zipkin.js';

test('send FILE --to kafka://broker/zipkin produces the spans for Zipkin\'s Kafka collector, which stores them as written', { skip: kafkaSkip({ zipkin: true }) }, async () => {
  const spans = traceSpans(30);
  const file = writeSpanFile(tempFolder(), 'run.ndjson', spans);
  const run = await runCli(['send', file, '--to', `kafka://${kafkaBootstrap}/zipkin`]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /\nsent 30, rejected 0, not delivered 0, skipped 0 bad lines\n$/);
  const stored = await waitFor(() => getTrace(spans[0]!.traceId), (t) => t.length === spans.length, { timeoutMs: 30_000, description: THROUGH_KAFKA });
  assert.deepEqual(byId(stored), byId(spans));
});
