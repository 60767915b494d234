/**
 * The ID rules of Zipkin and B3, written once: every reader (B3 headers, parents given in code,
 * span files, the CLI) checks IDs with these.
 * @module
 */

/** How a trace ID looks, for messages. */
export const TRACE_ID_FORM = '16 or 32 lowercase hex characters, not all zeros';
/** How a span ID (and a parent ID) looks, for messages. */
export const SPAN_ID_FORM = '16 lowercase hex characters, not all zeros';
/** The trace ID rule, for messages. */
export const TRACE_ID_RULE = `must be ${TRACE_ID_FORM}`;
/** The span ID rule, for messages. */
export const SPAN_ID_RULE = `must be ${SPAN_ID_FORM}`;

/** True when `s` is exactly `length` lowercase hex characters, not all `0`. No regex: hot path. */
function isLowerHexId(s: unknown, length: number): boolean {
  if (typeof s !== 'string' || s.length !== length) return false;
  let nonZero = false;
  for (let i = 0; i < length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x31 && c <= 0x39) nonZero = true; // 1-9
    else if (c >= 0x61 && c <= 0x66) nonZero = true; // a-f
    else if (c !== 0x30) return false; // not 0 either: uppercase, non-hex, non-ASCII
  }
  return nonZero;
}

/**
 * Whether `s` is a valid B3 span ID (also used for parent IDs): exactly 16 lowercase hex
 * characters, not all zeros. Uppercase is rejected, as the spec says "lower-hex".
 *
 * @example
 * isValidSpanId('a2fb4a1d1a96d312'); // true
 * isValidSpanId('A2FB4A1D1A96D312'); // false
 * isValidSpanId('0000000000000000'); // false
 */
export function isValidSpanId(s: string): boolean {
  return isLowerHexId(s, 16);
}

/**
 * Whether `s` is a valid B3 trace ID: 16 (64-bit) or 32 (128-bit) lowercase hex characters,
 * not all zeros.
 *
 * @example
 * isValidTraceId('463ac35c9f6413ad48485a3953bb6124'); // true
 * isValidTraceId('a2fb4a1d1a96d312');                 // true (64-bit)
 * isValidTraceId('463ac35c9f6413ad');                 // true
 * isValidTraceId('463AC35C9F6413AD');                 // false
 */
export function isValidTraceId(s: string): boolean {
  return isLowerHexId(s, 32) || isLowerHexId(s, 16);
}
