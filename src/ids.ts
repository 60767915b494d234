import { randomFillSync } from 'node:crypto';

// One randomFillSync per 1,024 IDs: crypto quality without a syscall per ID.
const POOL_BYTES = 8192;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let offset = POOL_BYTES;

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

function take8(): number {
  if (offset > POOL_BYTES - 8) {
    randomFillSync(pool);
    offset = 0;
  }
  const at = offset;
  offset += 8;
  return at;
}

function hex8(at: number): string {
  const p = pool;
  return (
    HEX[p[at]!]! + HEX[p[at + 1]!]! + HEX[p[at + 2]!]! + HEX[p[at + 3]!]! +
    HEX[p[at + 4]!]! + HEX[p[at + 5]!]! + HEX[p[at + 6]!]! + HEX[p[at + 7]!]!
  );
}

function isZero(at: number): boolean {
  const p = pool;
  return (p[at]! | p[at + 1]! | p[at + 2]! | p[at + 3]! | p[at + 4]! | p[at + 5]! | p[at + 6]! | p[at + 7]!) === 0;
}

/** A random 64-bit span ID: 16 lowercase hex characters, never all zeros. */
export function newSpanId(): string {
  let at = take8();
  while (isZero(at)) at = take8();
  return hex8(at);
}

/** A random trace ID: 32 lowercase hex characters (128-bit) or 16 (64-bit), never all zeros. */
export function newTraceId(bits128: boolean): string {
  if (!bits128) return newSpanId();
  // The low 64 bits alone must be non-zero: 64-bit systems read only those.
  const high = hex8(take8());
  return high + newSpanId();
}
