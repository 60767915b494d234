import { closeSync, createWriteStream, fstatSync, mkdirSync, openSync, readSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { encodeNdjsonBytes } from '../encode/bytes.js';
import type { Sink, SinkStats } from '../model/sink.js';
import type { SpanRecord } from '../model/span-record.js';

/** A sink that appends spans to a file, one Zipkin v2 JSON span per line. */
export interface NdjsonFileSink extends Sink {
  /** The file written to. */
  readonly path: string;
}

/**
 * Appends each batch to `path` as NDJSON (one Zipkin v2 span per line), with one write per batch.
 * The folder is created if missing. The file is opened on the first batch, so a tracer that
 * records nothing creates nothing.
 *
 * @example
 * const tracer = createTracer({ serviceName: 'jobs', sink: ndjsonFileSink('spans.ndjson') });
 * @throws {TypeError} when `path` is not a non-empty string.
 */
export function ndjsonFileSink(path: string): NdjsonFileSink {
  if (typeof path !== 'string' || path === '') {
    throw new TypeError('ndjsonFileSink: path: expected a non-empty string, like "spans.ndjson"');
  }
  let stream: WriteStream | undefined;
  let streamError: Error | undefined;
  let queued = 0;
  let sent = 0;
  let failed = 0;
  let pending: Promise<void> = Promise.resolve();

  /** Whether the file ends in the middle of a line (a run that died mid-write): the next span must start a fresh one. */
  const endsMidLine = (): boolean => {
    let fd: number | undefined;
    try {
      fd = openSync(path, 'r');
      const size = fstatSync(fd).size;
      if (size === 0) return false;
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      return last[0] !== 0x0a;
    } catch {
      return false; // no file yet, or unreadable: the write will say so
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  };
  let tornLine = false;

  const open = (): WriteStream => {
    if (stream) return stream;
    mkdirSync(dirname(path), { recursive: true });
    tornLine = endsMidLine();
    stream = createWriteStream(path, { flags: 'a' });
    stream.on('error', (error) => {
      streamError = error;
    });
    return stream;
  };

  const stats = (): SinkStats => ({
    queued,
    inFlight: 0,
    sent,
    retried: 0,
    dropped: { queueFull: 0, rejected: 0, expired: 0, sinkFailed: failed },
    lastError: streamError?.message,
  });

  return {
    path,
    write(batch: SpanRecord[]): Promise<void> {
      let text = encodeNdjsonBytes(batch);
      const n = batch.length;
      queued += n;
      const out = open();
      if (tornLine) {
        tornLine = false;
        text = Buffer.concat([Buffer.from('\n'), text]);
      }
      const done = new Promise<void>((resolve, reject) => {
        out.write(text, (error) => {
          queued -= n;
          if (error) {
            failed += n;
            reject(error);
          } else {
            sent += n;
            resolve();
          }
        });
      });
      pending = done.catch(() => undefined);
      return done;
    },
    async flush() {
      await pending;
    },
    async close() {
      await pending;
      const s = stream;
      stream = undefined;
      if (s) await new Promise<void>((resolve) => s.end(resolve));
    },
    stats,
  };
}
