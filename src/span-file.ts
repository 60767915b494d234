import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { ZipkinSpan } from './encode.js';

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

const HEX16 = /^[a-f0-9]{16}$/;
const TRACE_ID = /^[a-f0-9]{16}(?:[a-f0-9]{16})?$/;
const epochMicros = z.int({ error: 'expected an integer (epoch microseconds)' }).min(0, { error: 'expected epoch microseconds, not negative' });

const endpointSchema = z.object({
  serviceName: z.exactOptional(z.string({ error: 'expected a string' })),
  ipv4: z.exactOptional(z.ipv4({ error: 'expected an IPv4 address like 10.0.0.7' })),
  ipv6: z.exactOptional(z.ipv6({ error: 'expected an IPv6 address like 2001:db8::c001' })),
  port: z.exactOptional(z.int({ error: 'expected an integer from 0 to 65535' }).min(0).max(65535)),
});

/** Zipkin's v2 span model (zipkin2-api.yaml `Span`); unknown fields are ignored, as Zipkin does. */
export const zipkinSpanSchema = z.object({
  traceId: z.string({ error: (issue) => (issue.input === undefined ? 'missing (every span needs a traceId)' : 'expected a string') }).regex(TRACE_ID, { error: 'expected 16 or 32 lowercase hex characters' }),
  parentId: z.exactOptional(z.string({ error: 'expected a string' }).regex(HEX16, { error: 'expected 16 lowercase hex characters' })),
  id: z.string({ error: (issue) => (issue.input === undefined ? 'missing (every span needs an id)' : 'expected a string') }).regex(HEX16, { error: 'expected 16 lowercase hex characters' }),
  kind: z.exactOptional(z.enum(['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'], { error: 'expected CLIENT, SERVER, PRODUCER or CONSUMER' })),
  name: z.exactOptional(z.string({ error: 'expected a string' })),
  timestamp: z.exactOptional(epochMicros),
  duration: z.exactOptional(z.int({ error: 'expected an integer (microseconds)' }).min(1, { error: 'expected at least 1 microsecond' })),
  debug: z.exactOptional(z.boolean({ error: 'expected true or false' })),
  shared: z.exactOptional(z.boolean({ error: 'expected true or false' })),
  localEndpoint: z.exactOptional(endpointSchema),
  remoteEndpoint: z.exactOptional(endpointSchema),
  annotations: z.exactOptional(
    z.array(z.object({ timestamp: epochMicros, value: z.string({ error: 'expected a string' }) }), { error: 'expected an array of { timestamp, value }' }),
  ),
  tags: z.exactOptional(z.record(z.string(), z.string({ error: 'expected a string (tag values are strings)' }), { error: 'expected an object of string values' })),
}, { error: 'expected a JSON object (a Zipkin v2 span)' });

/** Checks one decoded JSON value against the Zipkin v2 span model. */
export function parseSpan(value: unknown): { ok: true; span: ZipkinSpan } | { ok: false; message: string } {
  const result = zipkinSpanSchema.safeParse(value);
  if (result.success) return { ok: true, span: result.data };
  const issue = result.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? '' : issue.path.join('.') + ': ';
  return { ok: false, message: `not a Zipkin v2 span: ${where}${issue?.message ?? 'invalid'}` };
}

/**
 * Reads a file of spans line by line, calling `onSpan` for each valid one. Each line holds one
 * Zipkin v2 span as JSON (NDJSON), or a JSON array of spans; blank lines are ignored. A line that is
 * not JSON, or not a valid span, is reported and skipped: reading never stops at a bad line.
 *
 * @example
 * const { skipped } = await scanSpanFile('spans.ndjson', (span) => count++);
 * @throws {Error} only when the file cannot be read at all (missing, a directory, no permission),
 * with the code of the system error (`ENOENT`, `EISDIR`, `EACCES`).
 */
export async function scanSpanFile(
  path: string,
  onSpan: (span: ZipkinSpan, line: number) => void,
  onProblem: (problem: SpanProblem) => void = () => {},
): Promise<{ lines: number; skipped: number }> {
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
  for await (const raw of lines) {
    n++;
    const text = n === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (text.trim() === '') continue;
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
      value.forEach((item, i) => {
        const parsed = parseSpan(item);
        if (parsed.ok) onSpan(parsed.span, n);
        else bad.push(`item ${i}: ${parsed.message}`);
      });
      if (bad.length > 0) skip(n, bad.length === 1 ? bad[0]! : `${bad[0]!} (and ${bad.length - 1} more items of this line)`);
      continue;
    }
    const parsed = parseSpan(value);
    if (parsed.ok) onSpan(parsed.span, n);
    else skip(n, parsed.message);
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
