import { createReadStream } from 'node:fs';
import type { ZipkinSpan } from '../model/zipkin-span.js';

/** A line (or array item) that was skipped, and why. */
export interface SpanProblem {
  /** 1-based line number in the file; 0 when the problem is not tied to one line. */
  readonly line: number;
  /** What was wrong, e.g. `not JSON (Unexpected token h)` or `traceId: expected 16 or 32 lowercase hex characters`. */
  readonly message: string;
}

/** What `readSpanFile` returns. */
export interface SpanFileContents {
  /** Every valid span, in file order. */
  readonly spans: ZipkinSpan[];
  /** Skipped lines, the first `MAX_PROBLEMS_KEPT` of them. */
  readonly problems: SpanProblem[];
  /** Every skipped line, including those past `MAX_PROBLEMS_KEPT`. */
  readonly skipped: number;
  /** Lines read, blank ones included. */
  readonly lines: number;
}

/** Problems kept with their text; later ones are only counted, so a garbage file cannot fill memory. */
export const MAX_PROBLEMS_KEPT = 100;

/**
 * Reads a file of spans line by line, calling `onSpan` for each valid one. Each line holds one
 * Zipkin v2 span as JSON (NDJSON), or a JSON array of spans; blank lines are ignored. A line that is
 * not JSON, or not a valid span, is reported and skipped: reading never stops at a bad line.
 * `onSpan` may return `false` to stop reading there (the rest of the file is not read or counted),
 * for a reader that has found what it came for.
 *
 * @example
 * const { skipped } = await scanSpanFile('spans.ndjson', (span) => count++);
 * @throws {Error} only when the file cannot be read at all (missing, a directory, no permission),
 * with the code of the system error (`ENOENT`, `EISDIR`, `EACCES`).
 */
export async function scanSpanFile(
  path: string,
  onSpan: (span: ZipkinSpan, line: number) => unknown,
  onProblem: (problem: SpanProblem) => void = () => {},
): Promise<{ lines: number; skipped: number }> {
  // Loaded by the first read, not by importing the library: the span model's zod schema, and readline.
  const [{ parseSpan }, { createInterface }] = await Promise.all([import('../model/zipkin-span-schema.js'), import('node:readline')]);
  const stream = createReadStream(path, { encoding: 'utf8' });
  // An open error (ENOENT, EISDIR) would otherwise surface as an unhandled 'error' event.
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('ready', () => resolve());
    stream.once('error', reject);
  });
  await opened;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let n = 0;
  let skipped = 0;
  const skip = (line: number, message: string): void => {
    skipped++;
    onProblem({ line, message });
  };
  try {
    for await (const raw of lines) {
      n++;
      const text = n === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      // A span line starts with `{` or `[`: only other lines need the blank check.
      const first = text.charCodeAt(0);
      if (first !== 0x7b && first !== 0x5b && text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        skip(n, `not JSON (${(error as Error).message})`);
        continue;
      }
      if (Array.isArray(value)) {
        // A line may hold a batch, as POST /api/v2/spans takes it: check each item.
        const bad: string[] = [];
        let stop = false;
        for (let i = 0; i < value.length && !stop; i++) {
          const parsed = parseSpan(value[i]);
          if (parsed.ok) stop = onSpan(parsed.span, n) === false;
          else bad.push(`item ${i}: ${parsed.message}`);
        }
        if (bad.length > 0) skip(n, bad.length === 1 ? bad[0]! : `${bad[0]!} (and ${bad.length - 1} more items of this line)`);
        if (stop) break;
        continue;
      }
      const parsed = parseSpan(value);
      if (parsed.ok) {
        if (onSpan(parsed.span, n) === false) break;
      } else skip(n, parsed.message);
    }
  } finally {
    // Leaving early closes the line reader but not the file under it.
    stream.destroy();
  }
  return { lines: n, skipped };
}

/**
 * Reads every valid span of an NDJSON file into memory, with the problems found. For large files
 * prefer `scanSpanFile`, which keeps nothing.
 *
 * @example
 * const { spans, problems } = await readSpanFile('/tmp/deferred-span/proxy.ndjson');
 * for (const p of problems) console.error(`line ${p.line}: ${p.message}`);
 * @throws {Error} only when the file cannot be read at all (missing, a directory, no permission).
 */
export async function readSpanFile(path: string): Promise<SpanFileContents> {
  const spans: ZipkinSpan[] = [];
  const problems: SpanProblem[] = [];
  const { lines, skipped } = await scanSpanFile(
    path,
    (span) => spans.push(span),
    (problem) => {
      if (problems.length < MAX_PROBLEMS_KEPT) problems.push(problem);
    },
  );
  return { spans, problems, skipped, lines };
}
