import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from './fixtures/cli-run.js';
import { collectorForFile, tempFolder, traceSpans, writeSpanFile } from './fixtures/cli-send.js';

const collector = await collectorForFile();

test('--dry-run checks every line and prints the account, and nothing reaches the collector', async () => {
  const file = writeSpanFile(tempFolder(), 'run.ndjson', [...traceSpans(10), 'not a span']);
  const run = await runCli(['send', file, '--to', collector.url, '--dry-run']);
  assert.equal(run.status, 1);
  assert.match(run.stdout, /^1 file, 10 valid spans, for http:\/\/127\.0\.0\.1:\d+\/api\/v2\/spans in [\d.]+s\ndry run: nothing sent; would send 10, skipped 1 bad line \(.*run\.ndjson:11: not JSON .*\)\n$/);
  const json = await runCli(['send', file, '--to', collector.url, '--dry-run', '--json']);
  const account = JSON.parse(json.stdout) as Record<string, unknown>;
  assert.equal(account.dryRun, true);
  assert.equal(account.spans, 10);
  assert.equal(account.sent, 0);
  assert.equal(account.skipped, 1);
  assert.equal(collector.requests.length, 0);
});
