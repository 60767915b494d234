import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXIT_NOT_DELIVERED } from '../src/cli/exit-codes.js';
import { runCli } from './fixtures/cli-run.js';
import { tempFolder, traceSpans, writeSpanFile } from './fixtures/cli-send.js';
import { freePort } from './fixtures/http-collector.js';

test('a collector that is down: every span is counted as not delivered, with the reason, in bounded time, exit 5 (EXIT_NOT_DELIVERED)', async () => {
  // A port that was free a moment ago: nothing listens there.
  const port = await freePort();
  // Enough spans for several batches: the first that fails its retries stops the rest.
  const file = writeSpanFile(tempFolder(), 'run.ndjson', traceSpans(5000));
  const started = Date.now();
  const run = await runCli(['send', file, '--to', `http://127.0.0.1:${port}`, '--retries', '1', '--timeout', '1']);
  const took = Date.now() - started;
  assert.equal(run.status, EXIT_NOT_DELIVERED, run.stderr);
  assert.match(run.stdout, /\nsent 0, rejected 0, not delivered 5000 \(.*sending stopped here: .*ECONNREFUSED.*\), skipped 0 bad lines\n$/);
  assert.ok(took < 10_000, `took ${took} ms`);
});
