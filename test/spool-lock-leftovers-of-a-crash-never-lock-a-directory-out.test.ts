// What a crash can leave beside a spool's lock (a lock with a dead or reused pid, a half-made
// takeover) never keeps the directory from its next owner, and taking a lock leaves nothing behind.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { releaseLock, takeLock } from '../src/deliver/spool-lock.js';
import { tempDir } from './fixtures/spool-helpers.js';

const DEAD_PID = 2 ** 22 + 1; // above Linux's largest pid_max: never a running process

function dirWith(root: string, name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

test('a lock left by a dead process, by this pid in an earlier life, or holding no pid is taken over', (t) => {
  const root = tempDir(t, 'spool-lock-leftovers');
  for (const [name, text] of [['dead', `${DEAD_PID}\n`], ['same-pid', `${process.pid}\n`], ['garbage', 'not a pid'], ['empty', '']] as const) {
    const dir = dirWith(root, name, { lock: text });
    assert.deepEqual(takeLock(join(dir, 'lock')), { taken: true }, name);
    assert.equal(readFileSync(join(dir, 'lock'), 'utf8'), `${process.pid}\n`, `${name}: the lock now names this process`);
    assert.deepEqual(readdirSync(dir), ['lock'], `${name}: no draft or takeover token left behind`);
    releaseLock(join(dir, 'lock'));
    assert.deepEqual(readdirSync(dir), [], `${name}: released`);
  }
});

test('a takeover token left by a process that died mid-takeover, or by this pid, does not block the takeover', (t) => {
  const root = tempDir(t, 'spool-lock-token');
  for (const [name, token] of [['dead-holder', `${DEAD_PID}\n`], ['same-pid-holder', `${process.pid}\n`], ['no-pid', '']] as const) {
    const dir = dirWith(root, name, { lock: `${DEAD_PID}\n`, 'lock.takeover': token });
    assert.deepEqual(takeLock(join(dir, 'lock')), { taken: true }, name);
    assert.deepEqual(readdirSync(dir), ['lock'], `${name}: the stale token is gone too`);
    releaseLock(join(dir, 'lock'));
  }
});

test('a live owner is named, and nothing is written into its directory', (t) => {
  const root = tempDir(t, 'spool-lock-live');
  // The test runner that started this file: alive for as long as the test runs.
  const dir = dirWith(root, 'live', { lock: `${process.ppid}\n` });
  assert.deepEqual(takeLock(join(dir, 'lock')), { taken: false, owner: process.ppid });
  assert.deepEqual(readdirSync(dir), ['lock']);
  assert.equal(readFileSync(join(dir, 'lock'), 'utf8'), `${process.ppid}\n`);
});

test('a second take in the same process is refused as this process, and release gives the directory back', (t) => {
  const dir = join(tempDir(t, 'spool-lock-twice'), 'd');
  mkdirSync(dir);
  const lock = join(dir, 'lock');
  assert.deepEqual(takeLock(lock), { taken: true });
  assert.deepEqual(takeLock(lock), { taken: false, owner: 'this process' });
  releaseLock(lock);
  assert.deepEqual(takeLock(lock), { taken: true });
  releaseLock(lock);
});
