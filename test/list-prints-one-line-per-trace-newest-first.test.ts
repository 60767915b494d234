import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ZipkinSpan } from '../src/model/zipkin-span.js';
import { listTraces, parseDuration } from '../src/read/trace-list.js';
import { fixture, runMain } from './fixtures/cli-run.js';
import { tempFolder, writeSpanFile } from './fixtures/cli-send.js';
import { getTraces, postSpans, randomHexId, uniqueServiceName, waitFor, zipkinSkip, zipkinUrl } from './helpers/zipkin.js';

const T0 = 1_764_000_000_000_000;

/** A trace of a root and `children` children, `ms` long, with `errors` of the children failed. */
function trace(service: string, at: number, ms: number, children: number, errors = 0, traceId = randomHexId(16)): ZipkinSpan[] {
  const root = randomHexId();
  const spans: ZipkinSpan[] = [{ traceId, id: root, kind: 'SERVER', name: 'get object', timestamp: at, duration: ms * 1000, localEndpoint: { serviceName: service } }];
  for (let i = 0; i < children; i++) {
    spans.push({
      traceId, parentId: root, id: randomHexId(), kind: 'CLIENT', name: 'get fragment', timestamp: at + 100, duration: 500,
      localEndpoint: { serviceName: service }, ...(i < errors ? { tags: { error: 'timed out' } } : {}),
    });
  }
  return spans;
}

test('list prints a line per trace of a file, newest first, with its root, duration, spans and errors', async () => {
  const { status, stdout, stderr } = await runMain(['list', fixture('cli-two-traces.ndjson')]);
  assert.equal(stderr, '');
  assert.equal(status, 0);
  const lines = stdout.trimEnd().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, /^trace\s+start \(UTC\)\s+duration\s+spans\s+errors\s+root$/);
  assert.match(lines[1]!, /^4e441824ec2b6a44ffdc9bb9a6453df3 {2}2025-11-24 16:01:40\.000\s+10\.000ms\s+5\s+2 {2}proxy: get object$/);
  assert.match(lines[2]!, /^0af7651916cd43dd8448eb211c80319c {2}2025-11-24 16:00:00\.000\s+2\.000ms\s+2\s+0 {2}proxy: put object$/);
});

test('list filters by service, duration and errors, and limits the count', async () => {
  // Out of order in the file: newest first is by start time, not by position.
  const spans = [...trace('proxy', T0 + 2e6, 80, 3, 1), ...trace('proxy', T0, 10, 2), ...trace('cache', T0 + 5e6, 60, 1), ...trace('proxy', T0 + 1e6, 120, 1)];
  const file = writeSpanFile(tempFolder(), 'spans.ndjson', spans);
  const json = async (...args: string[]): Promise<Array<{ start: number; duration: number; rootService: string; errors: number; spans: number }>> => {
    const { status, stdout } = await runMain(['list', file, '--json', ...args]);
    assert.equal(status, 0);
    return JSON.parse(stdout);
  };
  const all = await json();
  assert.deepEqual(all.map((t) => t.start), [T0 + 5e6, T0 + 2e6, T0 + 1e6, T0]);
  assert.deepEqual((await json('--service', 'proxy')).map((t) => t.rootService), ['proxy', 'proxy', 'proxy']);
  assert.deepEqual((await json('--min-duration', '50ms')).map((t) => t.duration), [60_000, 80_000, 120_000]);
  assert.deepEqual((await json('--min-duration', '0.1s')).map((t) => t.duration), [120_000]);
  assert.deepEqual((await json('--errors')).map((t) => [t.spans, t.errors]), [[4, 1]]);
  assert.equal((await json('--limit', '2')).length, 2);
  const cut = await runMain(['list', file, '--limit', '2']);
  assert.match(cut.stdout, /the 2 newest shown; --limit N for more/);
  const none = await runMain(['list', file, '--service', 'nobody']);
  assert.equal(none.status, 0);
  assert.match(none.stdout, /no traces of service "nobody" among the 4 read/);
});

test('list marks a trace without a root, and names the earliest span instead', () => {
  const [root, ...children] = trace('proxy', T0, 10, 2);
  assert.ok(root);
  const [entry] = listTraces(children);
  assert.equal(entry?.hasRoot, false);
  assert.equal(entry?.rootName, 'get fragment');
});

test('list rejects a duration without a unit and options meant for a URL', async () => {
  assert.equal(parseDuration('50ms'), 50_000);
  assert.equal(parseDuration('200µs'), 200);
  assert.equal(parseDuration('2m'), 120_000_000);
  assert.equal(parseDuration('50'), undefined);
  const bad = await runMain(['list', fixture('cli-two-traces.ndjson'), '--min-duration', '50']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--min-duration: expected a duration with its unit, like 50ms/);
  const timeout = await runMain(['list', fixture('cli-two-traces.ndjson'), '--timeout', '3']);
  assert.equal(timeout.status, 2);
  const missing = await runMain(['list', '/nonexistent/spans.ndjson']);
  assert.equal(missing.status, 3);
  assert.match(missing.stderr, /cannot read .*no such file/);
});

test('list reads the newest traces of a service from Zipkin', { skip: zipkinSkip() }, async () => {
  const service = uniqueServiceName('list');
  const now = Date.now() * 1000;
  const spans = [...trace(service, now - 3e6, 30, 2, 1), ...trace(service, now - 2e6, 5, 1), ...trace(service, now - 1e6, 70, 1)];
  assert.equal((await postSpans(spans)).status, 202);
  await waitFor(() => getTraces({ serviceName: service, limit: 10 }), (t) => t.length === 3 && t.every((x) => x.length >= 2), { description: 'the three traces indexed' });
  const { status, stdout, stderr } = await runMain(['list', zipkinUrl!, '--service', service, '--json']);
  assert.equal(stderr, '');
  assert.equal(status, 0);
  const listed = JSON.parse(stdout) as Array<{ start: number; spans: number; errors: number; rootService: string }>;
  assert.deepEqual(listed.map((t) => [t.start, t.spans, t.errors]), [[now - 1e6, 2, 0], [now - 2e6, 2, 0], [now - 3e6, 3, 1]]);
  const slow = await runMain(['list', zipkinUrl!, '--service', service, '--errors', '--min-duration', '20ms']);
  assert.equal(slow.status, 0);
  assert.equal(slow.stdout.trimEnd().split('\n').length, 2, slow.stdout);
  assert.match(slow.stdout, new RegExp(`30\\.000ms\\s+3\\s+1  ${service}: get object`));
});
