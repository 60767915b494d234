// What the commands say when a span file cannot be used, so they all say it alike.
import type { ZipkinSpan } from '../model/zipkin-span.js';
import { scanSpanFile, type SpanProblem } from '../read/span-file.js';
import { NothingError } from './errors.js';

/** Why `path` could not be read, in words, with the system error code and where spans usually are. */
export function describeReadError(path: string, error: unknown): string {
  const code = (error as { code?: string }).code;
  const why =
    code === 'ENOENT' ? 'no such file' :
    code === 'EISDIR' ? 'it is a folder, not a file' :
    code === 'EACCES' ? 'permission denied' :
    (error as Error).message;
  return `cannot read ${path}: ${why}${code ? ` (${code})` : ''}. Check the path; tracers without a sink write to $DEFERRED_SPAN_FILE, else to a file in $TMPDIR/deferred-span/`;
}

/** Says that `path` held no valid span among its `lines` lines, `skipped` of them bad. */
export function noValidSpan(path: string, lines: number, skipped: number): string {
  return `no valid span in ${path} (${lines} line${lines === 1 ? '' : 's'}${skipped > 0 ? `, ${skipped} skipped` : ''}); it should hold one Zipkin v2 span as JSON per line`;
}

/** `scanSpanFile`, with a file that cannot be read (missing, a folder, no permission) as the NothingError that says why. */
export async function scanSpanFileOrNothing(
  path: string,
  onSpan: (span: ZipkinSpan, line: number) => unknown,
  onProblem?: (problem: SpanProblem) => void,
): Promise<{ lines: number; skipped: number }> {
  try {
    return await scanSpanFile(path, onSpan, onProblem);
  } catch (error) {
    throw new NothingError(describeReadError(path, error));
  }
}
