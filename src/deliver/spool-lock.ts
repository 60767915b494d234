import { closeSync, fstatSync, linkSync, openSync, readSync, statSync, unlinkSync, writeFileSync } from 'node:fs';

/** Spool directories this process owns (a second sink here on one of them must not own it too). */
const held = new Set<string>();

/** How taking a spool directory's lock went. */
export type LockResult = { readonly taken: true } | { readonly taken: false; readonly owner: number | 'this process' };

/**
 * How long a takeover's token may stand before it counts as abandoned even though its pid is alive
 * (a reused pid). A takeover takes microseconds; a dead holder's token is broken at once.
 */
const TOKEN_STALE_MILLIS = 60_000;
/** Attempts before giving up; each waits a little when another process is taking over. */
const ATTEMPTS = 200;
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Whether a process with this id is running (EPERM: it is, as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const isCode = (error: unknown, code: string): boolean => (error as NodeJS.ErrnoException).code === code;

/** A lock file as read once: its inode (to unlink exactly that file later), its pid, its age. */
interface LockFile {
  readonly ino: number;
  readonly pid: number | undefined;
  readonly ageMillis: number;
}

function readLock(path: string): LockFile | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if (isCode(error, 'ENOENT')) return undefined;
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    const bytes = Buffer.alloc(32);
    const text = bytes.toString('utf8', 0, readSync(fd, bytes, 0, bytes.length, 0)).trim();
    const pid = /^\d+$/.test(text) ? Number(text) : undefined;
    return { ino: stat.ino, pid: pid !== undefined && Number.isSafeInteger(pid) && pid > 0 ? pid : undefined, ageMillis: Date.now() - stat.mtimeMs };
  } finally {
    closeSync(fd);
  }
}

/** Unlinks `path` only if it is still the file read as `seen` (same inode). */
function unlinkIfSame(path: string, seen: LockFile): void {
  try {
    if (statSync(path).ino === seen.ino) unlinkSync(path);
  } catch (error) {
    if (!isCode(error, 'ENOENT')) throw error;
  }
}

/**
 * Creates `path` holding this process's pid, atomically: written to a private file first, then
 * hard-linked into place, so nobody ever reads a lock without its pid. Returns the new file's
 * inode, or undefined when `path` exists.
 */
function createWithPid(path: string): number | undefined {
  const draft = `${path}.${process.pid}.draft`;
  try {
    writeFileSync(draft, `${process.pid}\n`);
    linkSync(draft, path);
    return statSync(draft).ino;
  } catch (error) {
    if (isCode(error, 'EEXIST')) return undefined;
    throw error;
  } finally {
    try {
      unlinkSync(draft);
    } catch {
      // already gone
    }
  }
}

/** Whether the lock file read as `seen` has no live owner but this process (which does not hold it). */
function stale(seen: LockFile): boolean {
  return seen.pid === undefined || seen.pid === process.pid || !alive(seen.pid);
}

/**
 * Removes a stale lock, one process at a time: only the holder of the takeover token (created
 * like the lock, atomically) may unlink it, and only if it is still the file judged stale. Without
 * the token two processes could both remove the dead owner's lock, the second removing the first's
 * fresh one, and both would own the directory.
 */
function breakStale(path: string, seen: LockFile): void {
  const token = `${path}.takeover`;
  const ours = createWithPid(token);
  if (ours === undefined) {
    const other = readLock(token);
    // Left by a process that died mid-takeover, or by an earlier process with our pid (this code
    // is synchronous: we cannot be mid-takeover ourselves), or standing far longer than one takes.
    if (other !== undefined && (other.pid === undefined || other.pid === process.pid || !alive(other.pid) || other.ageMillis > TOKEN_STALE_MILLIS)) {
      unlinkIfSame(token, other);
    }
    return;
  }
  try {
    const now = readLock(path);
    if (now !== undefined && now.ino === seen.ino && stale(now)) unlinkIfSame(path, now);
  } finally {
    // Only our own token: another process may have judged ours abandoned and made its own.
    const mine = readLock(token);
    if (mine?.ino === ours && mine.pid === process.pid) unlinkIfSame(token, mine);
  }
}

/**
 * Takes the lock file `path` (it holds the owner's pid). A lock of a process that is gone is stale
 * and taken over, by one process only when several race for it; so is one naming this process's
 * pid that this process does not hold (a container restarted with the same pid), and one holding no
 * pid (written by an older version or corrupted).
 * @throws the file system's error when the lock cannot be written at all (the directory is unwritable).
 */
export function takeLock(path: string): LockResult {
  if (held.has(path)) return { taken: false, owner: 'this process' };
  // A live owner first: it is named even where this process could not write a lock of its own.
  let last = readLock(path);
  if (last !== undefined && !stale(last)) return { taken: false, owner: last.pid ?? 0 };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (createWithPid(path) !== undefined) {
      held.add(path);
      return { taken: true };
    }
    last = readLock(path);
    if (last === undefined) continue; // released or broken meanwhile: try again
    if (!stale(last)) return { taken: false, owner: last.pid ?? 0 };
    breakStale(path, last);
    if (attempt > 0) Atomics.wait(pause, 0, 0, 1); // another process is taking over: give it a moment
  }
  return { taken: false, owner: last?.pid ?? 0 };
}

/** Gives the lock up (the spool closed). */
export function releaseLock(path: string): void {
  if (!held.delete(path)) return;
  try {
    const lock = readLock(path);
    if (lock?.pid === process.pid) unlinkIfSame(path, lock);
  } catch {
    // already gone: nothing to release
  }
}
