import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fixture, runMain } from './fixtures/cli-run.js';

const dir = mkdtempSync(join(tmpdir(), 'cli-bad-input-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('bad lines are reported with their line numbers and skipped, the rest is drawn, and the exit status is 1', async () => {
  const { status, stdout, stderr } = await runMain(['view', fixture('cli-bad-lines.ndjson')]);
  assert.equal(status, 1);
  const reported = stderr.trim().split('\n');
  assert.equal(reported.length, 3, stderr);
  assert.match(reported[0]!, /cli-bad-lines\.ndjson:2: skipped: not JSON/);
  assert.match(reported[1]!, /cli-bad-lines\.ndjson:4: skipped: not a Zipkin v2 span: traceId: missing/);
  assert.match(reported[2]!, /cli-bad-lines\.ndjson:6: skipped: not a Zipkin v2 span: id: expected 16 lowercase hex characters/);
  assert.match(stdout, /proxy: put object \(server\)/);
  assert.match(stdout, /\n {2}proxy: encode/);
});

test('summary skips bad lines the same way, and exits 1', async () => {
  const { status, stdout, stderr } = await runMain(['summary', fixture('cli-bad-lines.ndjson')]);
  assert.equal(status, 1);
  assert.match(stderr, /:2: skipped: not JSON/);
  assert.match(stdout, /2 spans in 1 trace, .*; 3 bad lines skipped/);
});

test('a file of nothing but bad lines has nothing to show: exit 3', async () => {
  const path = join(dir, 'garbage.ndjson');
  writeFileSync(path, 'hello\n{"traceId":"4e441824ec2b6a44","id":"nope"}\n');
  const { status, stdout, stderr } = await runMain(['view', path]);
  assert.equal(status, 3);
  assert.equal(stdout, '');
  assert.match(stderr, /:1: skipped: not JSON/);
  assert.match(stderr, /no valid span in .*garbage\.ndjson \(2 lines, 2 skipped\)/);
});

test('a missing file is named, with what to do, and the exit status is 3', async () => {
  const path = join(dir, 'nowhere.ndjson');
  for (const command of ['view', 'summary']) {
    const { status, stderr } = await runMain([command, path]);
    assert.equal(status, 3, command);
    assert.match(stderr, new RegExp(`deferred-span ${command}: cannot read .*nowhere\\.ndjson: no such file \\(ENOENT\\)\\. Check the path`));
  }
});

test('an empty file has no span to show: exit 3', async () => {
  for (const command of ['view', 'summary']) {
    const { status, stdout, stderr } = await runMain([command, fixture('cli-empty.ndjson')]);
    assert.equal(status, 3, command);
    assert.equal(stdout, '');
    assert.match(stderr, /no valid span in .*cli-empty\.ndjson \(0 lines\)/);
  }
});

test('orphans and spans in a parent loop are drawn, marked, not dropped', async () => {
  const { status, stdout } = await runMain(['view', fixture('cli-orphans.ndjson'), '--width', '140']);
  assert.equal(status, 0);
  assert.match(stdout, /2 orphan spans \(⚠\)/);
  const rows = stdout.split('\n');
  const row = (name: string): string => rows.find((l) => l.includes(`app: ${name} `)) ?? assert.fail(`no row for ${name}:\n${stdout}`);
  assert.match(row('root'), /^app: root/);
  assert.match(row('child'), /^ {2}app: child/);
  assert.match(row('lost child'), /^⚠ app: lost child/);
  assert.match(stdout, /orphan: parent eeeeeeeeeeeeeeee is not in the input/);
  assert.match(row('loop a'), /^⚠ app: loop a/);
  assert.match(row('loop b'), /^ {2}app: loop b/);
  assert.match(stdout, /orphan: its parents form a loop/);
});
