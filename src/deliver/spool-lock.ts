import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

/** Spool directories this process owns (a second sink here on one of them must not own it too). */
const held = new Set<string>();

/** How taking a spool directory's lock went. */
export type LockResult = { readonly taken: true } | { readonly taken: false; readonly owner: number | 'this process' };

/** Whether a process with this id is running (EPERM: it is, as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the lock file `path` (it holds the owner's pid). A lock of a process that is gone is stale
 * and taken over; so is one naming this process's pid that this process does not hold (a container
 * restarted with the same pid). A half-written lock (no pid yet) counts as held, once, then stale.
 * @throws the file system's error when the lock cannot be written at all (the directory is unwritable).
 */
export function takeLock(path: string): LockResult {
  if (held.has(path)) return { taken: false, owner: 'this process' };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(path);
      if (owner !== undefined && owner !== process.pid && alive(owner)) return { taken: false, owner };
      if (owner === undefined && attempt === 0) continue; // its owner may be between open and write
      try {
        unlinkSync(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    held.add(path);
    return { taken: true };
  }
  const owner = readOwner(path);
  return { taken: false, owner: owner ?? 0 };
}

/** Gives the lock up (the spool closed). */
export function releaseLock(path: string): void {
  if (!held.delete(path)) return;
  try {
    if (readOwner(path) === process.pid) unlinkSync(path);
  } catch {
    // already gone: nothing to release
  }
}
