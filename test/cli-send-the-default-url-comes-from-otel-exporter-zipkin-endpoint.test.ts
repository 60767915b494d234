import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from './fixtures/cli-run.js';
import { collectorForFile, tempFolder, traceSpans, writeSpanFile } from './fixtures/cli-send.js';

const collector = await collectorForFile();

test('without --to, spans go to OTEL_EXPORTER_ZIPKIN_ENDPOINT (a base URL gets /api/v2/spans)', async () => {
  const spans = traceSpans(5);
  const file = writeSpanFile(tempFolder(), 'run.ndjson', spans);
  const base = collector.url.replace(/\/api\/v2\/spans$/, '');
  const run = await runCli(['send', file], { OTEL_EXPORTER_ZIPKIN_ENDPOINT: base });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`^1 file, 5 valid spans, to ${collector.url.replaceAll('.', '\\.')} in `));
  assert.deepEqual([...collector.accepted.keys()].sort(), spans.map((s) => s.id).sort());
});
