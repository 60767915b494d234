// One getRandomValues per 1,024 IDs: crypto quality without a syscall per ID. The global Web
// Crypto, not node:crypto, whose import loads all of it (ciphers, keys, X.509) at startup.
const POOL_BYTES = 8192;
const pool = Buffer.alloc(POOL_BYTES);
// The same bytes as 32-bit words: a span's own ID is kept as two of them (no string per span).
const words = new Int32Array(pool.buffer, pool.byteOffset, POOL_BYTES / 4);
let offset = POOL_BYTES;

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

/** Takes `n` (8 or 16) contiguous bytes of the pool; returns where they start. */
function take(n: number): number {
  if (offset > POOL_BYTES - n) {
    crypto.getRandomValues(pool);
    offset = 0;
  }
  const at = offset;
  offset += n;
  return at;
}

function isZero(at: number): boolean {
  const p = pool;
  return (p[at]! | p[at + 1]! | p[at + 2]! | p[at + 3]! | p[at + 4]! | p[at + 5]! | p[at + 6]! | p[at + 7]!) === 0;
}

// One native call makes the hex of an ID as a flat string: joining 2-character pieces made a rope of
// 8 or 16 parts, flattened again where the ID is read.

/** A random 64-bit span ID: 16 lowercase hex characters, never all zeros. */
export function newSpanId(): string {
  let at = take(8);
  while (isZero(at)) at = take(8);
  return pool.toString('hex', at, at + 8);
}

/** A random trace ID: 32 lowercase hex characters (128-bit) or 16 (64-bit), never all zeros. */
export function newTraceId(bits128: boolean): string {
  if (!bits128) return newSpanId();
  // The low 64 bits alone must be non-zero: 64-bit systems read only those.
  let at = take(16);
  while (isZero(at + 8)) at = take(16);
  return pool.toString('hex', at, at + 16);
}

/**
 * Draws a new span ID (non-zero 64 bits) and returns where it is: read its halves at once with
 * `idWord(at)` and `idWord(at + 1)`, before the next draw. No string is made per span.
 */
export function newSpanIdWords(): number {
  let at = take(8);
  while (isZero(at)) at = take(8);
  return at >> 2;
}

/** A word of the pool, as a signed 32-bit integer. */
export function idWord(at: number): number {
  return words[at]!;
}

function hex4(w: number): string {
  return HEX[w >>> 24]! + HEX[(w >>> 16) & 255]! + HEX[(w >>> 8) & 255]! + HEX[w & 255]!;
}

/** 16 lowercase hex characters for a 64-bit ID held as two 32-bit words. */
export function hexWords(high: number, low: number): string {
  return hex4(high) + hex4(low);
}

/** The high word of a validated 16-character hex span ID. */
export function hexHigh(id: string): number {
  return parseInt(id.slice(0, 8), 16) | 0;
}

/** The low word of a validated 16-character hex span ID. */
export function hexLow(id: string): number {
  return parseInt(id.slice(8, 16), 16) | 0;
}
