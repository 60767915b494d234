// What the commands that read a Zipkin server (`view`, `list`, `summary`) share: telling a URL
// from a file, `--max-bytes` and `--timeout`, and a failed query as the user error it is.
import { DEFAULT_MAX_BYTES, ZipkinQueryError, type ZipkinQueryOptions } from '../read/zipkin-query.js';
import { NothingError, UsageError } from './errors.js';

/** The longest `--timeout`: what a timer can wait (2^31 - 1 ms). */
const MAX_TIMEOUT_SECONDS = 2_147_483;

const SIZE_UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3 };

/** Whether a FILE|URL argument names a Zipkin server rather than a span file. */
export function isZipkinUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** The URL as shown in messages: without user name or password. */
export function redactUrl(input: string): string {
  try {
    const u = new URL(input);
    u.username = '';
    u.password = '';
    return u.href;
  } catch {
    return input;
  }
}

/** `--max-bytes`: bytes, or a number with a binary unit (`64MiB`, `512k`). */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m === null ? undefined : SIZE_UNITS[m[2]!.toLowerCase()];
  const n = m === null || unit === undefined ? NaN : Math.floor(Number(m[1]) * unit);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--max-bytes: expected a size of at least 1 byte, like 1048576 or 64MiB (units: KiB, MiB, GiB), got "${text}"`);
  return n;
}

/** `--timeout`: seconds, fractions allowed, as milliseconds. */
export function parseTimeout(text: string): number {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0 || n > MAX_TIMEOUT_SECONDS) {
    throw new UsageError(`--timeout: expected a number of seconds greater than 0 and at most ${MAX_TIMEOUT_SECONDS}, like 10 or 0.5, got "${text}"`);
  }
  return Math.max(1, Math.ceil(n * 1000));
}

/** `--max-bytes` and `--timeout`, those given, as the options of a query. */
export function parseQueryOptions(values: { readonly 'max-bytes'?: string | undefined; readonly timeout?: string | undefined }): { maxBytes?: number; timeoutMillis?: number } {
  const query: { maxBytes?: number; timeoutMillis?: number } = {};
  if (typeof values['max-bytes'] === 'string') query.maxBytes = parseSize(values['max-bytes']);
  if (typeof values.timeout === 'string') query.timeoutMillis = parseTimeout(values.timeout);
  return query;
}

/** Refuses `--max-bytes` and `--timeout` when a file is read: they govern a query only. */
export function refuseQueryOptionsForFile(query: ZipkinQueryOptions): void {
  for (const [option, given] of [['--max-bytes', query.maxBytes], ['--timeout', query.timeoutMillis]] as const) {
    if (given !== undefined) throw new UsageError(`${option} works with a Zipkin URL only; a file is read as it streams, whatever its size`);
  }
}

/** What to change when a query failed for a reason the options govern. */
function queryHint(error: ZipkinQueryError, query: ZipkinQueryOptions): string {
  if (error.reason === 'timeout') return '; if Zipkin is only slow, allow it more with --timeout SECONDS';
  if (error.reason === 'too-large') {
    return `; allow more with --max-bytes (now ${query.maxBytes ?? DEFAULT_MAX_BYTES} bytes), or ask for less with --trace ID or --service NAME`;
  }
  return '';
}

/**
 * Rethrows what a query threw as the user error it is: a bad URL is wrong usage (exit 2), any other
 * failed query nothing to show (exit 3), with a hint at the option to change; anything else as is.
 */
export function rethrowQueryError(error: unknown, query: ZipkinQueryOptions): never {
  if (error instanceof ZipkinQueryError) {
    if (error.reason === 'bad-url') throw new UsageError(error.message);
    throw new NothingError(error.message + queryHint(error, query));
  }
  throw error;
}
