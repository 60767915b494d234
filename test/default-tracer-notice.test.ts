// `traced` with no configuration must not lose spans silently: it says once where they go.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertValidJsonLine } from './helpers/zipkin-spec.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/default-tracer-unconfigured.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

function run(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const base = { ...process.env };
  // Nothing of the parent's configuration may leak in.
  for (const key of ['DEFERRED_SPAN_FILE', 'OTEL_SERVICE_NAME', 'OTEL_EXPORTER_ZIPKIN_ENDPOINT', 'NODE_OPTIONS', 'NODE_TEST_CONTEXT']) delete base[key];
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', FIXTURE], { cwd: ROOT, env: { ...base, ...env } }, (error, _stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr });
    });
  });
}

/** The spans in an NDJSON file, each checked against Zipkin's model. */
function spansIn(file: string): Array<{ name: string; localEndpoint: { serviceName: string }; tags: Record<string, string> }> {
  return readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => assertValidJsonLine(line) as never);
}

function noticeLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.includes('DEFERRED_SPAN_'));
}

test('without configuration, traced says once on stderr which NDJSON file the spans go to, and they are there', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'deferred-span-notice-'));
  try {
    const { code, stderr } = await run({ TMPDIR: dir });
    assert.equal(code, 0, stderr);
    const file = join(dir, 'deferred-span', 'unknown_service_node.ndjson');
    const notices = noticeLines(stderr);
    assert.equal(notices.length, 1, stderr);
    assert.match(notices[0]!, /DeferredSpanNotice/);
    assert.ok(notices[0]!.includes(file), `the notice names ${file}: ${notices[0]}`);
    const spans = spansIn(file);
    assert.deepEqual(spans.map((s) => s.tags.i).sort(), ['0', '1', '2']);
    for (const s of spans) assert.equal(s.localEndpoint.serviceName, 'unknown_service:node');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with DEFERRED_SPAN_FILE set, the spans go to that file and nothing is said: the user chose it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'deferred-span-notice-'));
  try {
    const file = join(dir, 'spans.ndjson');
    const { code, stderr } = await run({ DEFERRED_SPAN_FILE: file, TMPDIR: dir });
    assert.equal(code, 0, stderr);
    assert.deepEqual(noticeLines(stderr), [], stderr);
    assert.deepEqual(spansIn(file).map((s) => s.tags.i).sort(), ['0', '1', '2']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without DEFERRED_SPAN_FILE the notice names the default file under the temp folder, named for OTEL_SERVICE_NAME', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'deferred-span-tmpdir-'));
  try {
    const plain = await run({ TMPDIR: dir });
    assert.equal(plain.code, 0, plain.stderr);
    const file = join(dir, 'deferred-span', 'unknown_service_node.ndjson');
    assert.equal(noticeLines(plain.stderr).length, 1, plain.stderr);
    assert.ok(noticeLines(plain.stderr)[0]!.includes(file), plain.stderr);
    assert.equal(spansIn(file).length, 3);

    const named = await run({ TMPDIR: dir, OTEL_SERVICE_NAME: 'Batch-Job' });
    assert.equal(named.code, 0, named.stderr);
    const namedFile = join(dir, 'deferred-span', 'batch-job.ndjson');
    assert.ok(noticeLines(named.stderr)[0]!.includes(namedFile), named.stderr);
    const spans = spansIn(namedFile);
    assert.equal(spans.length, 3);
    for (const s of spans) assert.equal(s.localEndpoint.serviceName, 'batch-job');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
