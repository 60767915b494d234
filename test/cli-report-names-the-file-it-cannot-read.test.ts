// `report a.ndjson xa.ndjson`, the second missing, must name xa.ndjson: the file it failed on, not
// the first one whose name happens to stand inside the error message.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixture, runMain } from './fixtures/cli-run.js';

test('report names the input it cannot read, even when another input\'s name is part of its name', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-report-missing-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const present = join(dir, 'a.ndjson');
  copyFileSync(fixture('cli-orphans.ndjson'), present);
  const output = join(dir, 'report.html');
  // Bare names, as typed in the folder: "a.ndjson" stands inside "xa.ndjson" only then. This test
  // file is a process of its own, so changing its directory touches no other test.
  const back = process.cwd();
  process.chdir(dir);
  t.after(() => process.chdir(back));
  const { status, stderr } = await runMain(['report', 'a.ndjson', 'xa.ndjson', '-o', 'report.html']);
  assert.equal(status, 3, stderr);
  assert.match(stderr, /cannot read xa\.ndjson: no such file \(ENOENT\)/);
  assert.doesNotMatch(stderr, /cannot read a\.ndjson/, 'the file that exists is not the one named');
  assert.equal(existsSync(output), false, 'no report is written');
});
