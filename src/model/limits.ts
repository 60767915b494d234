/** Longest span name kept, in UTF-16 code units; longer names are cut. */
export const MAX_NAME_LENGTH = 256;
/** Longest tag key kept. */
export const MAX_TAG_KEY_LENGTH = 256;
/** Longest tag value or annotation value kept; longer ones are cut and the cut is reported once. */
export const MAX_VALUE_LENGTH = 32_768;

/** Tags one span may carry at most by default (OpenTelemetry's default attribute count). */
export const DEFAULT_MAX_TAGS_PER_SPAN = 128;
/** Annotations one span may carry at most by default (OpenTelemetry's default event count). */
export const DEFAULT_MAX_ANNOTATIONS_PER_SPAN = 128;

/**
 * Cuts `s` to at most `max` code units without splitting a surrogate pair. The cut is a copy: V8's
 * `slice` of a long string keeps the whole original alive, so a 10 MB value cut to 32 KB would
 * still hold 10 MB for as long as the span is queued.
 */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  const code = s.charCodeAt(max - 1);
  // Cutting between a high and a low surrogate would leave a lone one behind.
  const cut = code >= 0xd800 && code <= 0xdbff ? s.slice(0, max - 1) : s.slice(0, max);
  // Through bytes and back: a fresh string with the same code units (lone surrogates included).
  return Buffer.from(cut, 'utf16le').toString('utf16le');
}
