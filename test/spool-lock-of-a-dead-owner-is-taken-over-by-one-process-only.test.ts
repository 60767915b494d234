// Two processes that find the lock of a dead owner at the same moment (two workers of a job started
// together after a crash) must not both take the spool over: both would replay, and deliver, its
// records. Before the takeover token, 62 of 300 such races here ended with two owners.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { tempDir } from './fixtures/spool-helpers.js';
import { runToEnd } from './helpers/process.js';

const LOCK_MODULE = fileURLToPath(new URL('../src/deliver/spool-lock.ts', import.meta.url));
const ROUNDS = 200;
const DEAD_PID = 2 ** 22 + 1; // above Linux's pid_max (4,194,304): never a running process

test('of two processes racing for a dead owner\'s spool lock, exactly one takes it, round after round', async (t) => {
  const root = tempDir(t, 'spool-lock-race');
  for (let round = 0; round < ROUNDS; round++) {
    mkdirSync(join(root, String(round)));
    writeFileSync(join(root, String(round), 'lock'), `${DEAD_PID}\n`);
  }
  // Both children start each round at the same wall-clock instant (sub-millisecond), 10 ms apart.
  const startAt = Date.now() + 3_000;
  const child = `
    const { takeLock } = await import(${JSON.stringify(LOCK_MODULE)});
    const now = () => performance.timeOrigin + performance.now();
    let taken = '';
    for (let round = 0; round < ${ROUNDS}; round++) {
      const at = ${startAt} + round * 10;
      while (now() < at) {}
      taken += takeLock(${JSON.stringify(root)} + '/' + round + '/lock').taken ? 'T' : 'F';
    }
    process.stdout.write(taken);
  `;
  const run = () => runToEnd(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child], { timeout: 60_000 });
  const [a, b] = await Promise.all([run(), run()]);
  for (const r of [a, b]) assert.equal(r.status, 0, r.stderr);
  assert.equal(a.stdout.length, ROUNDS, 'the first child ran every round');
  assert.equal(b.stdout.length, ROUNDS, 'the second child ran every round');
  const owners = Array.from({ length: ROUNDS }, (_, round) => Number(a.stdout[round] === 'T') + Number(b.stdout[round] === 'T'));
  assert.deepEqual(owners.filter((n) => n !== 1), [], 'every round has exactly one owner');
});
