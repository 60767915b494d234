import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from './fixtures/cli-run.js';
import { byId, tempFolder, traceSpans, writeSpanFile } from './fixtures/cli-send.js';
import { getTrace, waitFor, zipkinSkip, zipkinUrl } from './helpers/zipkin.js';

test('send FILE --to Zipkin stores every span of the file, field by field as written', { skip: zipkinSkip() }, async () => {
  const spans = traceSpans(25);
  // One line holds a JSON array of spans, as POST /api/v2/spans takes them: read like the rest.
  const file = writeSpanFile(tempFolder(), 'run.ndjson', [...spans.slice(0, 20), JSON.stringify(spans.slice(20))]);
  const run = await runCli(['send', file, '--to', zipkinUrl!]);
  assert.equal(run.stderr, '');
  assert.equal(run.status, 0);
  assert.match(run.stdout, /^1 file, 25 valid spans, to http:\/\/127\.0\.0\.1:\d+\/api\/v2\/spans in [\d.]+s\nsent 25, rejected 0, not delivered 0, skipped 0 bad lines\n$/);
  const stored = await waitFor(() => getTrace(spans[0]!.traceId), (t) => t.length === spans.length, { description: 'the 25 spans in Zipkin' });
  assert.deepEqual(byId(stored), byId(spans));
});
