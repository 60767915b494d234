import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runToEnd } from './helpers/process.js';
import { getTrace, requireZipkinUrl, uniqueServiceName, waitFor, zipkinSkip } from './helpers/zipkin.js';

const JOB = fileURLToPath(new URL('./fixtures/default-tracer-job.ts', import.meta.url));

test("the README's recipe (OTEL_EXPORTER_ZIPKIN_ENDPOINT, configure + traced, the script just returns) delivers all 50 spans to the real Zipkin", { skip: zipkinSkip(), timeout: 60_000 }, async () => {
  const service = uniqueServiceName('recipe');
  const run = await runToEnd(process.execPath, ['--import', 'tsx', JOB, service, '50'], {
    env: { ...process.env, OTEL_EXPORTER_ZIPKIN_ENDPOINT: `${requireZipkinUrl()}/api/v2/spans` },
  });
  assert.equal(run.status, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /deferred-span:/, 'nothing left undelivered to report');
  const traceId = run.stdout.trim();
  const spans = await waitFor(() => getTrace(traceId), (s) => s.length >= 50, { description: `trace ${traceId}` });
  assert.equal(spans.length, 50);
});
