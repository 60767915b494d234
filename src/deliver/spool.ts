import { closeSync, fstatSync, fsync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DiagnosticKind } from '../model/diagnostic-kinds.js';
import { releaseLock, takeLock } from './spool-lock.js';
import { checksumHolds, HEADER_BYTES, readHeader, recordHeader, segmentId, segmentName, type HeaderRead } from './spool-segment.js';

/**
 * The disk spool of a delivery engine: encoded batches in append-only segment files, replayed
 * oldest first, a segment deleted once every record in it was acknowledged or dropped. One process
 * owns a directory at a time (its lock file). Every file operation is synchronous but fsync, which
 * runs on an interval: a batch is a few hundred kilobytes written to the page cache, off the
 * traced call path, and the order of records must be the order of calls.
 * @module
 */

/** The spool's options, validated. */
export interface SpoolSettings {
  readonly dir: string;
  readonly maxBytes: number;
  readonly fsyncMillis: number;
  readonly whenFull: 'dropOldest' | 'dropNewest';
  readonly always: boolean;
}

/** What the spool tells its engine. */
export interface SpoolEvents {
  report(kind: DiagnosticKind, message: string, error?: unknown): void;
  /** dropOldest deleted a segment: `own` unread spans of this process and `earlier` ones of an earlier run were dropped. */
  evicted(own: number, earlier: number): void;
  /** Unread spans of this process that could not be read back (an I/O error, a corrupted file). */
  lost(own: number): void;
}

/** A segment file as the spool keeps track of it. */
export interface Segment {
  readonly id: number;
  readonly path: string;
  /** Written by this process (its record counts are known exactly). */
  readonly own: boolean;
  /** Bytes of the file: whole records (own), or as found, torn tails included (an earlier run's). What counts against maxBytes. */
  size: number;
  /** Where the next unread record starts. */
  readAt: number;
  /** Records read (or sent from memory) whose batches are not done yet. */
  outstanding: number;
  /** Own segments: spans in records not read yet. */
  unreadSpans: number;
  /** No more records will be appended. */
  sealed: boolean;
  deleted: boolean;
  readFd: number | undefined;
}

/** A record being delivered: done once every part of it (a bisect's halves) is. */
export interface SpoolRecord {
  readonly segment: Segment;
  parts: number;
}

/** A record read back. */
export interface SpoolRead {
  readonly body: Buffer;
  readonly count: number;
  readonly record: SpoolRecord;
  /** Appended by this process (else an earlier run's: a replay). */
  readonly own: boolean;
}

/** What became of an append: in hand (send it now), unread (on disk only), or not on disk at all. */
export type AppendResult = SpoolRecord | 'unread' | 'full' | 'failed';

// A segment is a 16th of the spool (so dropOldest frees little at a time), within these bounds.
const MAX_SEGMENT_BYTES = 64 * 1024 * 1024;
const MIN_SEGMENT_BYTES = 4096;
const LOCK_FILE = 'lock';

const errorText = (error: unknown): string => (error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error));

export class Spool {
  readonly always: boolean;
  readonly #o: SpoolSettings;
  readonly #dir: string;
  readonly #lock: string;
  readonly #events: SpoolEvents;
  readonly #segmentBytes: number;
  /** Oldest first; the last one is the one being written once this process appended. */
  #segments: Segment[] = [];
  #active: Segment | undefined = undefined;
  #writeFd: number | undefined = undefined;
  #nextId: number;
  #bytes = 0;
  #unreadBytes = 0;
  #ownUnread = 0;
  /** Appending failed once (disk full, unwritable): from then on nothing more is appended. */
  #broken = false;
  #dirty = false;
  #syncing = false;
  #closed = false;
  readonly #timer: ReturnType<typeof setInterval>;

  /** Opens `o.dir`, or reports why it cannot and returns undefined (the engine then keeps spans in memory). */
  static open(o: SpoolSettings, events: SpoolEvents): Spool | undefined {
    const dir = resolve(o.dir);
    try {
      mkdirSync(dir, { recursive: true });
      const lock = takeLock(join(dir, LOCK_FILE));
      if (!lock.taken) {
        const who = lock.owner === 'this process' ? 'another sink of this process' : `process ${lock.owner}`;
        events.report('SPOOL_LOCKED', `the spool directory ${dir} is owned by ${who}; this sink keeps its spans in memory only. Give each process its own spool.dir`);
        return undefined;
      }
    } catch (error) {
      events.report('SPOOL_UNAVAILABLE', `the spool directory ${dir} cannot be used (${errorText(error)}); spans are kept in memory only. Point spool.dir at a writable directory`, error);
      return undefined;
    }
    try {
      return new Spool(o, dir, events);
    } catch (error) {
      releaseLock(join(dir, LOCK_FILE));
      events.report('SPOOL_UNAVAILABLE', `the spool directory ${dir} cannot be read (${errorText(error)}); spans are kept in memory only. Point spool.dir at a readable, writable directory`, error);
      return undefined;
    }
  }

  private constructor(o: SpoolSettings, dir: string, events: SpoolEvents) {
    this.#o = o;
    this.always = o.always;
    this.#dir = dir;
    this.#lock = join(dir, LOCK_FILE);
    this.#events = events;
    this.#segmentBytes = Math.max(MIN_SEGMENT_BYTES, Math.min(MAX_SEGMENT_BYTES, Math.floor(o.maxBytes / 16)));
    let last = 0;
    const found: Array<{ id: number; name: string }> = [];
    for (const name of readdirSync(dir)) {
      const id = segmentId(name);
      if (id !== undefined) found.push({ id, name });
    }
    found.sort((a, b) => a.id - b.id);
    for (const { id, name } of found) {
      last = Math.max(last, id);
      const path = join(dir, name);
      const size = statSync(path).size;
      if (size === 0) {
        this.#unlink(path);
        continue;
      }
      this.#segments.push({ id, path, own: false, size, readAt: 0, outstanding: 0, unreadSpans: 0, sealed: true, deleted: false, readFd: undefined });
      this.#bytes += size;
      this.#unreadBytes += size;
    }
    this.#nextId = last + 1;
    this.#timer = setInterval(this.#tick, o.fsyncMillis);
    this.#timer.unref();
  }

  /** Whether records wait on disk to be read. */
  get hasUnread(): boolean {
    return this.#unreadBytes > 0;
  }

  /** Spans of this process on disk and not read back yet (they count as queued). */
  get ownUnreadSpans(): number {
    return this.#ownUnread;
  }

  /** Whether appends can still work. */
  get writable(): boolean {
    return !this.#broken && !this.#closed;
  }

  /**
   * Appends a record of `count` spans. With `take`, when nothing older waits on disk, the record is
   * handed back to be sent now (it is then in hand, not unread). 'full': no room under maxBytes
   * (dropNewest, or a record larger than the spool); 'failed': the write failed (reported once;
   * the spool appends nothing more).
   */
  append(body: Uint8Array, count: number, take: boolean): AppendResult {
    if (!this.writable) return 'failed';
    const length = HEADER_BYTES + body.length;
    if (!this.#makeRoom(length)) return 'full';
    let segment = this.#active;
    try {
      if (segment === undefined || segment.size >= this.#segmentBytes) segment = this.#rotate();
      const header = recordHeader(count, body);
      writeAll(this.#writeFd!, header);
      writeAll(this.#writeFd!, body);
    } catch (error) {
      this.#fail(error);
      return 'failed';
    }
    segment.size += length;
    this.#bytes += length;
    this.#dirty = true;
    if (take && this.#unreadBytes === 0) {
      segment.readAt = segment.size;
      segment.outstanding++;
      return { segment, parts: 1 };
    }
    segment.unreadSpans += count;
    this.#ownUnread += count;
    this.#unreadBytes += length;
    return 'unread';
  }

  /** The oldest unread record, read and checked; undefined when none waits. Corrupt ones are skipped and reported. */
  read(): SpoolRead | undefined {
    while (this.#unreadBytes > 0) {
      const segment = this.#segments.find((s) => s.readAt < s.size);
      if (segment === undefined) {
        this.#unreadBytes = 0; // a miscount must not make the engine ask forever
        return undefined;
      }
      const got = this.#readAt(segment);
      if (got !== undefined) return got;
    }
    return undefined;
  }

  #readAt(segment: Segment): SpoolRead | undefined {
    const at = segment.readAt;
    try {
      segment.readFd ??= openSync(segment.path, 'r');
      const header = headerAt(segment.readFd, Buffer.allocUnsafe(HEADER_BYTES), at, segment.size);
      if ('problem' in header) return this.#corrupt(segment, header.problem);
      const body = Buffer.allocUnsafe(header.bodyBytes);
      if (readFully(segment.readFd, body, at + HEADER_BYTES) < body.length) return this.#corrupt(segment, 'a torn record (the file is shorter than it was)');
      if (!checksumHolds(header, body)) return this.#corrupt(segment, 'a record whose checksum does not match');
      const length = HEADER_BYTES + body.length;
      segment.readAt = at + length;
      this.#unreadBytes -= length;
      segment.outstanding++;
      if (segment.own) {
        segment.unreadSpans -= header.count;
        this.#ownUnread -= header.count;
      }
      this.#doneReading(segment);
      return { body, count: header.count, record: { segment, parts: 1 }, own: segment.own };
    } catch (error) {
      return this.#corrupt(segment, `reading failed (${errorText(error)})`, error);
    }
  }

  /** Skips the rest of a segment from a record that cannot be read: framing past it cannot be trusted. */
  #corrupt(segment: Segment, problem: string, error?: unknown): undefined {
    const skipped = segment.size - segment.readAt;
    this.#events.report(
      'SPOOL_CORRUPT',
      `the spool segment ${segment.path} holds ${problem} at byte ${segment.readAt} (a crash while it was written leaves one); its last ${skipped} byte(s) were skipped`,
      error,
    );
    this.#unreadBytes -= skipped;
    segment.readAt = segment.size;
    if (segment.own && segment.unreadSpans > 0) {
      this.#ownUnread -= segment.unreadSpans;
      this.#events.lost(segment.unreadSpans);
      segment.unreadSpans = 0;
    }
    this.#doneReading(segment);
    this.#maybeDelete(segment);
    return undefined;
  }

  #doneReading(segment: Segment): void {
    if (segment.readAt < segment.size || !segment.sealed || segment.readFd === undefined) return;
    closeQuietly(segment.readFd);
    segment.readFd = undefined;
  }

  /** Whether a record is still on disk (dropOldest may have deleted its segment while it was in flight). */
  onDisk(record: SpoolRecord): boolean {
    return !record.segment.deleted;
  }

  /** A record's batch was split in two: each half must be done. */
  split(record: SpoolRecord): void {
    record.parts++;
  }

  /** A record's batch (or one of its parts) was acknowledged or dropped: its segment goes once all of its records are. */
  done(record: SpoolRecord): void {
    if (--record.parts > 0) return;
    const segment = record.segment;
    if (segment.deleted) return;
    segment.outstanding--;
    this.#maybeDelete(segment);
  }

  #maybeDelete(segment: Segment): void {
    if (segment.deleted || !segment.sealed || segment.readAt < segment.size || segment.outstanding > 0) return;
    this.#delete(segment);
  }

  #delete(segment: Segment): void {
    segment.deleted = true;
    if (segment.readFd !== undefined) closeQuietly(segment.readFd);
    segment.readFd = undefined;
    this.#bytes -= segment.size;
    this.#unreadBytes -= segment.size - segment.readAt;
    this.#segments = this.#segments.filter((s) => s !== segment);
    if (segment === this.#active) this.#closeActive();
    this.#unlink(segment.path);
  }

  /** Room for `length` more bytes, deleting the oldest segments under dropOldest. */
  #makeRoom(length: number): boolean {
    const max = this.#o.maxBytes;
    if (this.#bytes + length <= max) return true;
    if (this.#o.whenFull === 'dropNewest' || length > max) {
      this.#full(`it holds ${this.#bytes} bytes; the new batch was dropped (whenFull: 'dropNewest')`);
      return false;
    }
    let own = 0;
    let earlier = 0;
    while (this.#bytes + length > max) {
      const oldest = this.#segments[0];
      if (oldest === undefined) break;
      if (oldest === this.#active) {
        // The only segment is the one being written: sealed, it can go (the next append starts another).
        this.#sealActive();
        if (oldest.deleted) continue;
      }
      if (oldest.own) {
        own += oldest.unreadSpans;
        this.#ownUnread -= oldest.unreadSpans;
      } else {
        earlier += this.#countUnread(oldest);
      }
      oldest.unreadSpans = 0;
      this.#delete(oldest);
    }
    this.#full(`the oldest segment(s) were deleted, dropping ${own + earlier} unread span(s) (whenFull: 'dropOldest')`);
    this.#events.evicted(own, earlier);
    return this.#bytes + length <= max;
  }

  #full(what: string): void {
    this.#events.report('SPOOL_FULL', `the spool ${this.#dir} reached maxBytes (${this.#o.maxBytes}): ${what}; counted as spoolFull. Raise spool.maxBytes or bring the collector back`);
  }

  /** Spans in an earlier run's unread records (counted when its segment is dropped). */
  #countUnread(segment: Segment): number {
    let spans = 0;
    let at = segment.readAt;
    try {
      segment.readFd ??= openSync(segment.path, 'r');
      const h = Buffer.allocUnsafe(HEADER_BYTES);
      while (at < segment.size) {
        const header = headerAt(segment.readFd, h, at, segment.size);
        if ('problem' in header) break;
        spans += header.count;
        at += HEADER_BYTES + header.bodyBytes;
      }
    } catch {
      // what cannot be read cannot be counted: those bytes held no readable span
    }
    return spans;
  }

  /** Seals the segment being written and opens the next one. */
  #rotate(): Segment {
    this.#sealActive();
    const id = this.#nextId++;
    const path = join(this.#dir, segmentName(id));
    const fd = openSync(path, 'ax');
    const segment: Segment = { id, path, own: true, size: 0, readAt: 0, outstanding: 0, unreadSpans: 0, sealed: false, deleted: false, readFd: undefined };
    this.#writeFd = fd;
    this.#active = segment;
    this.#segments.push(segment);
    syncDirectory(this.#dir);
    return segment;
  }

  #sealActive(): void {
    const active = this.#active;
    if (active === undefined) return;
    this.#closeActive();
    active.sealed = true;
    this.#doneReading(active);
    this.#maybeDelete(active);
  }

  /** Closes the write descriptor after an fsync (a sealed segment is complete on disk). */
  #closeActive(): void {
    const fd = this.#writeFd;
    this.#active = undefined;
    this.#writeFd = undefined;
    if (fd === undefined) return;
    try {
      if (this.#dirty) fsyncSync(fd);
    } catch {
      // reported by the next append if the disk is really gone
    }
    this.#dirty = false;
    closeQuietly(fd);
  }

  #fail(error: unknown): void {
    this.#broken = true;
    const active = this.#active;
    if (active !== undefined && this.#writeFd !== undefined) {
      try {
        // A half-written record would read as a torn tail: cut it off where the whole ones end.
        if (fstatSync(this.#writeFd).size > active.size) ftruncateSync(this.#writeFd, active.size);
      } catch {
        // left as a torn tail: the next run skips it
      }
    }
    this.#events.report(
      'SPOOL_WRITE_FAILED',
      `writing to the spool ${this.#dir} failed (${errorText(error)}); from now on spans are kept in memory only, and what is on disk is still replayed. Free disk space or point spool.dir elsewhere`,
      error,
    );
  }

  /** The interval's fsync, off the event loop; the timer does not hold the process open. */
  readonly #tick = (): void => {
    const active = this.#active;
    if (active !== undefined && active.size > 0 && active.readAt === active.size && active.outstanding === 0) {
      // Everything in the segment being written was delivered: it goes now, not at its rotation.
      this.#dirty = false;
      this.#sealActive();
      return;
    }
    const fd = this.#writeFd;
    if (!this.#dirty || this.#syncing || fd === undefined) return;
    this.#dirty = false;
    this.#syncing = true;
    fsync(fd, () => {
      this.#syncing = false;
    });
  };

  /** fsync now (flush and close). */
  sync(): void {
    const fd = this.#writeFd;
    if (!this.#dirty || fd === undefined) return;
    this.#dirty = false;
    try {
      fsyncSync(fd);
    } catch {
      // the data is in the page cache; a failing disk shows at the next append
    }
  }

  /** fsyncs, deletes what was all delivered, and gives the directory up. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#sealActive();
    for (const s of this.#segments) {
      if (s.readFd !== undefined) closeQuietly(s.readFd);
      s.readFd = undefined;
    }
    releaseLock(this.#lock);
  }

  #unlink(path: string): void {
    try {
      unlinkSync(path);
    } catch {
      // gone already, or the directory turned read-only: the next run deletes it
    }
  }
}

function writeAll(fd: number, data: Uint8Array): void {
  let at = 0;
  while (at < data.length) at += writeSync(fd, data, at, data.length - at);
}

/** Reads into `buf` from `position` until it is full or the file ends; returns the bytes read. */
function readFully(fd: number, buf: Buffer, position: number): number {
  let got = 0;
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** The header of the record at `at` of a file of `size` bytes, read into `h`. */
function headerAt(fd: number, h: Buffer, at: number, size: number): HeaderRead {
  const got = readFully(fd, h, at);
  // Fewer header bytes than asked means the file ends there.
  return readHeader(h, Math.min(size - at, got < HEADER_BYTES ? got : Infinity));
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // closed already
  }
}

/** A new segment's name is durable once its directory is synced (best effort: not every platform can). */
function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Windows cannot open a directory
  }
}
