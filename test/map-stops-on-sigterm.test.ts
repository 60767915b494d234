import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readSpanFile } from '../src/index.js';

const JOB = fileURLToPath(new URL('./fixtures/map-sigterm-job.ts', import.meta.url));

test('on SIGTERM a map job stops starting items at once, lets the calls in flight end, and its job span says aborted with its counts', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'map-sigterm-'));
  try {
    const file = join(dir, 'spans.ndjson');
    const child = spawn(process.execPath, ['--import', 'tsx', JOB, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const [line] = (await once(child.stdout.setEncoding('utf8'), 'data')) as [string];
    assert.equal(line, 'ready\n');
    child.kill('SIGTERM');
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    assert.equal(signal, 'SIGTERM', `exit ${code}; ${stderr}`);
    assert.doesNotMatch(stderr, /SPAN_ALREADY_ENDED/, 'no warning caused by the library itself');

    const { spans } = await readSpanFile(file);
    const job = spans.find((s) => s.name === 'job');
    assert.ok(job, 'the job span was delivered');
    const items = spans.filter((s) => s.name === 'item');
    const tags = job.tags ?? {};
    assert.equal(tags['map.outcome'], 'aborted');
    assert.equal(tags.unfinished, undefined, 'it ended by itself, not cut off by close()');
    const started = Number(tags['map.done']) + Number(tags['map.failed']);
    assert.equal(items.length, started, 'every started item was recorded');
    assert.equal(Number(tags['map.not_started']), 5000 - started);
    // 20 done when the signal was sent, 4 in flight then; a few more may start before it arrives.
    assert.ok(started < 100, `${started} items started: the job went on after the signal`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
