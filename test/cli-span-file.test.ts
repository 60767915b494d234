import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readSpanFile } from '../src/read/span-file.js';

const dir = mkdtempSync(join(tmpdir(), 'span-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const span = (id: string) => ({ traceId: '4e441824ec2b6a44ffdc9bb9a6453df3', id, name: 'get', timestamp: 1_764_000_000_000_000, duration: 5 });

test('readSpanFile returns the valid spans and each bad line with its number and reason', async () => {
  const path = join(dir, 'mixed.ndjson');
  const lines = [
    JSON.stringify(span('a000000000000001')),
    '{"traceId":',
    JSON.stringify([span('a000000000000002'), span('a000000000000003')]),
    '',
    JSON.stringify({ ...span('a000000000000004'), duration: 0 }),
    JSON.stringify({ ...span('a000000000000005'), tags: { retries: 3 } }),
    JSON.stringify([span('a000000000000006'), { ...span('a000000000000007'), kind: 'SERVICE' }]),
  ];
  writeFileSync(path, lines.join('\r\n') + '\r\n');
  const { spans, problems, skipped, lines: read } = await readSpanFile(path);
  assert.deepEqual(spans.map((s) => s.id), ['a000000000000001', 'a000000000000002', 'a000000000000003', 'a000000000000006']);
  assert.equal(read, 7);
  assert.equal(skipped, 4);
  assert.deepEqual(problems.map((p) => p.line), [2, 5, 6, 7]);
  assert.match(problems[0]!.message, /^not JSON/);
  assert.equal(problems[1]!.message, 'not a Zipkin v2 span: duration: expected at least 1 microsecond');
  assert.equal(problems[2]!.message, 'not a Zipkin v2 span: tags.retries: expected a string (tag values are strings)');
  assert.equal(problems[3]!.message, 'item 1: not a Zipkin v2 span: kind: expected CLIENT, SERVER, PRODUCER or CONSUMER');
});

test('readSpanFile rejects with the system error code when the file cannot be read', async () => {
  await assert.rejects(readSpanFile(join(dir, 'missing.ndjson')), { code: 'ENOENT' });
  await assert.rejects(readSpanFile(dir), { code: 'EISDIR' });
});
