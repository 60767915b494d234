// A span file read in chunks that the reader waits for, for `deferred-span send`: the file is read
// only as fast as the spans are taken, so a file of any size needs memory for a few chunks only.
import { createReadStream } from 'node:fs';
import type { ZipkinSpan } from '../model/zipkin-span.js';
import { checkSpanLine, type SpanProblem } from './span-file.js';

/** One chunk of valid spans, with how far into the file it reaches. */
export interface SpanChunk {
  readonly spans: ZipkinSpan[];
  /** Bytes of the file read so far (read ahead of the chunk by at most the stream's buffer). */
  readonly bytesRead: number;
  /** Characters of the chunk's lines (blank and bad lines included), for a per-span size estimate. */
  readonly chars: number;
  /** The line the chunk ends on, 1-based: for the last chunk, the file's number of lines. */
  readonly line: number;
  /** True for the file's last chunk, which may hold no span. */
  readonly last: boolean;
}

/** How large the chunks of `spanChunks` are. */
export interface SpanChunkOptions {
  /** A chunk ends once it holds this many spans. @default 1000 */
  readonly spans?: number;
  /** A chunk ends once its lines hold this many characters, so large spans make short chunks. @default 4194304 */
  readonly chars?: number;
}

/**
 * Reads a file of spans as `scanSpanFile` does (NDJSON, or lines holding JSON arrays of spans; blank
 * lines ignored; a bad line reported through `onProblem` and skipped), yielding the valid spans in
 * chunks (1000 spans or 4 Mi characters, unless the options say otherwise). Reading waits while
 * the consumer works on a chunk: the line reader's back-pressure pauses the stream, so memory does
 * not follow the file's size.
 *
 * @example
 * for await (const { spans } of spanChunks('big.ndjson', (p) => console.error(p.line, p.message))) await send(spans);
 * @throws {Error} when the file cannot be read at all (missing, a directory, no permission), on the
 * first step of the iteration, with the system error's code (`ENOENT`, `EISDIR`, `EACCES`).
 */
export async function* spanChunks(
  path: string,
  onProblem: (problem: SpanProblem) => void,
  { spans: chunkSpans = 1000, chars: chunkChars = 4 * 1024 * 1024 }: SpanChunkOptions = {},
): AsyncGenerator<SpanChunk, void, undefined> {
  const [{ parseSpan }, { createInterface }] = await Promise.all([import('../model/zipkin-span-schema.js'), import('node:readline')]);
  const stream = createReadStream(path, { encoding: 'utf8' });
  await new Promise<void>((resolve, reject) => {
    stream.once('ready', () => resolve());
    stream.once('error', reject);
  });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let n = 0;
  let spans: ZipkinSpan[] = [];
  let chars = 0;
  const skip = (line: number, message: string): void => onProblem({ line, message });
  const onSpan = (span: ZipkinSpan): void => void spans.push(span);
  try {
    for await (const raw of lines) {
      chars += raw.length + 1;
      checkSpanLine(parseSpan, raw, ++n, onSpan, skip);
      if (spans.length >= chunkSpans || chars >= chunkChars) {
        const chunk: SpanChunk = { spans, bytesRead: stream.bytesRead, chars, line: n, last: false };
        spans = [];
        chars = 0;
        yield chunk;
      }
    }
    // Always a last chunk, empty or not: it says how many lines the file has.
    yield { spans, bytesRead: stream.bytesRead, chars, line: n, last: true };
  } finally {
    // Leaving early (the consumer stopped) closes the line reader but not the file under it.
    stream.destroy();
  }
}
