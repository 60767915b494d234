/** Longest span name kept, in UTF-16 code units; longer names are cut. */
export const MAX_NAME_LENGTH = 256;
/** Longest tag key kept. */
export const MAX_TAG_KEY_LENGTH = 256;
/** Longest tag value or annotation value kept; longer ones are cut and the cut is reported once. */
export const MAX_VALUE_LENGTH = 32_768;

/** Cuts `s` to at most `max` code units without splitting a surrogate pair. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  const code = s.charCodeAt(max - 1);
  // Cutting between a high and a low surrogate would leave a lone one behind.
  return code >= 0xd800 && code <= 0xdbff ? s.slice(0, max - 1) : s.slice(0, max);
}
