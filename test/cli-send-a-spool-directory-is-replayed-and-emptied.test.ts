import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { zipkinHttpSink } from '../src/deliver/zipkin-http.js';
import { zipkinSpanRecord } from '../src/read/zipkin-span-record.js';
import { runCli } from './fixtures/cli-run.js';
import { collectorForFile, tempFolder, traceSpans } from './fixtures/cli-send.js';

const collector = await collectorForFile();

test('a spool directory (a sink\'s spool.dir) is replayed to the collector, every span once, and its segments deleted', async () => {
  const dir = tempFolder();
  const spans = traceSpans(2500);
  // A job whose collector was down: with a write-ahead spool, its spans stay on disk after close.
  const job = zipkinHttpSink({ url: 'http://127.0.0.1:9/api/v2/spans', spool: { dir, always: true }, maxRetries: 0, warnings: false });
  job.write(spans.map((s) => zipkinSpanRecord(s as Parameters<typeof zipkinSpanRecord>[0])));
  await job.close({ timeoutMillis: 2000 });
  assert.ok(readdirSync(dir).some((n) => n.endsWith('.seg')), `segments in ${readdirSync(dir).join(' ')}`);

  const run = await runCli(['send', dir, '--to', collector.url]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^spool .*, 2500 spans read back, to http:\/\/127\.0\.0\.1:\d+\/api\/v2\/spans in [\d.]+s\nsent 2500, rejected 0, not delivered 0, nothing left in the spool\n$/);
  assert.equal(collector.accepted.size, 2500);
  for (const s of spans) assert.equal(collector.accepted.get(s.id), 1, `span ${s.id} once`);
  assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.seg')), []);
});
