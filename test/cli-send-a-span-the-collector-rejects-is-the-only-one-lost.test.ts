import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXIT_NOT_DELIVERED } from '../src/cli/exit-codes.js';
import { runCli } from './fixtures/cli-run.js';
import { collectorForFile, tempFolder, traceSpans, writeSpanFile } from './fixtures/cli-send.js';

const spans = traceSpans(300);
const bad = spans[137]!.id;
// As Zipkin does for a span it cannot take: the whole batch is refused with a 400.
const collector = await collectorForFile((req) => (req.spans.some((s) => s.id === bad) ? { status: 400, body: `span ${bad} is invalid` } : { status: 202 }));

test('a collector that answers 400 to batches holding one span: the batch is bisected and only that span is rejected', async () => {
  const file = writeSpanFile(tempFolder(), 'run.ndjson', spans);
  const run = await runCli(['send', file, '--to', collector.url]);
  assert.equal(run.status, EXIT_NOT_DELIVERED, run.stderr);
  assert.match(run.stdout, new RegExp(`\\nsent 299, rejected 1 \\(.*HTTP 400: span ${bad} is invalid.*\\), not delivered 0, skipped 0 bad lines\\n$`));
  assert.equal(collector.accepted.size, 299);
  assert.equal(collector.accepted.has(bad), false);
  for (const s of spans) if (s.id !== bad) assert.equal(collector.accepted.get(s.id), 1, `span ${s.id} accepted once`);
});
