import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from './fixtures/cli-run.js';
import { collectorForFile, tempFolder, traceSpans, writeSpanFile } from './fixtures/cli-send.js';

const collector = await collectorForFile();

test('bad lines are skipped and named with file:line, the good ones sent, and the exit status says input was skipped', async () => {
  const spans = traceSpans(4);
  const file = writeSpanFile(tempFolder(), 'mixed.ndjson', [
    spans[0]!, 'this is not json', spans[1]!, '', { ...spans[2]!, id: 'XYZ' }, spans[2]!, '{"traceId":"00000000000000000000000000000000","id":"0123456789abcdef"}', spans[3]!,
  ]);
  const run = await runCli(['send', file, '--to', collector.url]);
  assert.equal(run.status, 1);
  // Each bad line on stderr, as the other commands report them.
  assert.match(run.stderr, /mixed\.ndjson:2: skipped: not JSON/);
  assert.match(run.stderr, /mixed\.ndjson:5: skipped: not a Zipkin v2 span: id: expected 16 lowercase hex characters/);
  assert.match(run.stderr, /mixed\.ndjson:7: skipped: not a Zipkin v2 span: traceId/);
  // The account counts them, and names the first few.
  const account = run.stdout.split('\n')[1]!;
  assert.match(account, /^sent 4, rejected 0, not delivered 0, skipped 3 bad lines \(.*mixed\.ndjson:2: not JSON .*; .*mixed\.ndjson:5: not a Zipkin v2 span: id: .*; .*mixed\.ndjson:7: not a Zipkin v2 span: traceId: .*\)$/);
  assert.deepEqual([...collector.accepted.keys()].sort(), spans.map((s) => s.id).sort());
});

test('a file of bad lines only sends nothing and exits 3, saying so', async () => {
  const file = writeSpanFile(tempFolder(), 'garbage.ndjson', ['nope', '{"id":1}']);
  const before = collector.requests.length;
  const run = await runCli(['send', file, '--to', collector.url]);
  assert.equal(run.status, 3);
  assert.match(run.stderr, /no valid span in .*garbage\.ndjson \(2 lines, 2 skipped\)/);
  assert.equal(collector.requests.length, before);
});
