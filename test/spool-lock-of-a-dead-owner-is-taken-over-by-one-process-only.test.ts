// Two processes that find the lock of a dead owner at the same moment (two workers of a job started
// together after a crash) must not both take the spool over: both would replay, and deliver, its
// records. Before the takeover token, 62 of 300 such races here ended with two owners.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { tempDir } from './fixtures/spool-helpers.js';

const LOCK_MODULE = fileURLToPath(new URL('../src/deliver/spool-lock.ts', import.meta.url));
const ROUNDS = 200;
const DEAD_PID = 2 ** 22 + 1; // above Linux's largest pid_max (4,194,304): never a running process

/**
 * A child that loads the lock module, prints `ready`, reads the start time (epoch ms) from stdin,
 * then takes round r's lock at start + 10 r ms, and prints T or F per round.
 */
function racer(root: string): { ready: Promise<void>; start(at: number): void; done: Promise<string> } {
  const code = `
    const { takeLock } = await import(${JSON.stringify(LOCK_MODULE)});
    const now = () => performance.timeOrigin + performance.now();
    const nap = new Int32Array(new SharedArrayBuffer(4));
    process.stdout.write('ready\\n');
    let input = '';
    for await (const chunk of process.stdin) input += chunk;
    const startAt = Number(input);
    let taken = '';
    for (let round = 0; round < ${ROUNDS}; round++) {
      const at = startAt + round * 10;
      // Sleep to about 1 ms before the round, then spin: both children start it within microseconds.
      if (at - now() > 2) Atomics.wait(nap, 0, 0, at - now() - 1);
      while (now() < at) {}
      taken += takeLock(${JSON.stringify(root)} + '/' + round + '/lock').taken ? 'T' : 'F';
    }
    process.stdout.write('rounds ' + taken + '\\n');
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    for (const w of waiters) w();
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const done = new Promise<string>((resolve, reject) => {
    child.on('close', (status) => {
      const line = out.split('\n').find((l) => l.startsWith('rounds '));
      if (status === 0 && line !== undefined) resolve(line.slice('rounds '.length));
      else reject(new Error(`racer failed (status ${status}): ${err}`));
    });
  });
  const ready = new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (out.includes('ready\n')) resolve();
    };
    waiters.push(check);
    done.catch(reject);
  });
  return { ready, start: (at) => child.stdin.end(String(at)), done };
}

test("of two processes racing for a dead owner's spool lock, exactly one takes it, round after round", async (t) => {
  const root = tempDir(t, 'spool-lock-race');
  for (let round = 0; round < ROUNDS; round++) {
    mkdirSync(join(root, String(round)));
    writeFileSync(join(root, String(round), 'lock'), `${DEAD_PID}\n`);
  }
  const a = racer(root);
  const b = racer(root);
  // Both loaded before the clock starts, so neither outlives the other's rounds (a late child would
  // rightly take the locks of one that had exited).
  await Promise.all([a.ready, b.ready]);
  const at = Date.now() + 200;
  a.start(at);
  b.start(at);
  const [ta, tb] = await Promise.all([a.done, b.done]);
  assert.equal(ta.length, ROUNDS, 'the first child ran every round');
  assert.equal(tb.length, ROUNDS, 'the second child ran every round');
  const owners = Array.from({ length: ROUNDS }, (_, round) => Number(ta[round] === 'T') + Number(tb[round] === 'T'));
  assert.deepEqual(owners.filter((n) => n !== 1), [], 'every round has exactly one owner');
});
