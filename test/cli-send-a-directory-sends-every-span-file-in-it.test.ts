import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from './fixtures/cli-run.js';
import { collectorForFile, tempFolder, traceSpans, writeSpanFile } from './fixtures/cli-send.js';

const collector = await collectorForFile();

test('a DIR sends each *.ndjson and *.json file in it, and nothing else there', async () => {
  const dir = tempFolder();
  const a = traceSpans(3);
  const b = traceSpans(4);
  writeSpanFile(dir, 'a.ndjson', a);
  // A .json file as readSpanFile takes it: a JSON array of spans on a line.
  writeFileSync(join(dir, 'b.json'), JSON.stringify(b) + '\n');
  writeFileSync(join(dir, 'notes.txt'), JSON.stringify(traceSpans(1)[0]) + '\n');
  const run = await runCli(['send', dir, '--to', collector.url]);
  assert.equal(run.stderr, '');
  assert.equal(run.status, 0);
  assert.match(run.stdout, /^2 files, 7 valid spans, to .*\nsent 7, rejected 0, not delivered 0, skipped 0 bad lines\n$/);
  assert.deepEqual([...collector.accepted.keys()].sort(), [...a, ...b].map((s) => s.id).sort());
});

test('a DIR without span files is named, exit 3', async () => {
  const dir = tempFolder();
  writeFileSync(join(dir, 'notes.txt'), 'hello\n');
  const run = await runCli(['send', dir, '--to', collector.url]);
  assert.equal(run.status, 3);
  assert.match(run.stderr, /no \*\.ndjson or \*\.json file in /);
});
