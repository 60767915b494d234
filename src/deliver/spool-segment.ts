/**
 * The record format of the disk spool's segment files: each record is a 16-byte header (magic,
 * body length, CRC-32 of the span count and body, span count; little-endian) and the encoded batch.
 * A record whose header or checksum does not hold is where a crash tore the file.
 * @module
 */

/** "DSP1": the first bytes of every record. */
const MAGIC = 0x31505344;
export const HEADER_BYTES = 16;

/** How segment files are named: a zero-padded sequence number, so names sort oldest first. */
export const SEGMENT_SUFFIX = '.seg';
const SEGMENT_NAME = /^(\d{12})\.seg$/;

export function segmentName(id: number): string {
  return `${String(id).padStart(12, '0')}${SEGMENT_SUFFIX}`;
}

/** A segment's sequence number from its file name; undefined for other files. */
export function segmentId(name: string): number | undefined {
  const m = SEGMENT_NAME.exec(name);
  return m === null ? undefined : Number(m[1]);
}

let table: Uint32Array | undefined;

/** CRC-32 (IEEE) of `data`, continuing from `value`: for Node before 20.15 and 22.2, which lack zlib.crc32. */
function tableCrc32(data: Uint8Array, value = 0): number {
  if (table === undefined) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = ~value >>> 0;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

type Crc32 = (data: Uint8Array, value?: number) => number;
let native: Crc32 | undefined;

/**
 * zlib's native CRC-32 where Node has it (20.15+, 22.2+), else the table's. zlib is looked up on
 * first use, synchronously (`process.getBuiltinModule`), so a sink without a spool never loads it.
 */
export function crc32(data: Uint8Array, value = 0): number {
  if (native === undefined) {
    const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
    const zlib = get?.call(process, 'node:zlib') as { crc32?: Crc32 } | undefined;
    native = typeof zlib?.crc32 === 'function' ? zlib.crc32 : tableCrc32;
  }
  return native(data, value);
}

/** The table CRC, exported for its test against zlib's. */
export { tableCrc32 };

function checksum(count: number, body: Uint8Array): number {
  const c = Buffer.allocUnsafe(4);
  c.writeUInt32LE(count, 0);
  return crc32(body, crc32(c));
}

/** The header of a record of `count` spans whose encoded batch is `body`. */
export function recordHeader(count: number, body: Uint8Array): Buffer {
  const h = Buffer.allocUnsafe(HEADER_BYTES);
  h.writeUInt32LE(MAGIC, 0);
  h.writeUInt32LE(body.length, 4);
  h.writeUInt32LE(checksum(count, body), 8);
  h.writeUInt32LE(count, 12);
  return h;
}

/** A record's header as read: its body length and span count, or why it is not one. */
export type HeaderRead = { readonly bodyBytes: number; readonly count: number; readonly crc: number } | { readonly problem: string };

/** Reads a header; `room` is how many bytes the file holds from the header's start. */
export function readHeader(h: Buffer, room: number): HeaderRead {
  if (room < HEADER_BYTES) return { problem: `a torn record header (${room} of ${HEADER_BYTES} bytes)` };
  if (h.readUInt32LE(0) !== MAGIC) return { problem: 'no record starts there' };
  const bodyBytes = h.readUInt32LE(4);
  const count = h.readUInt32LE(12);
  if (HEADER_BYTES + bodyBytes > room) return { problem: `a torn record (${room - HEADER_BYTES} of ${bodyBytes} body bytes)` };
  if (count === 0) return { problem: 'a record of 0 spans' };
  return { bodyBytes, count, crc: h.readUInt32LE(8) };
}

/** Whether a body read back is the one its header's checksum was made of. */
export function checksumHolds(header: { readonly count: number; readonly crc: number }, body: Uint8Array): boolean {
  return checksum(header.count, body) === header.crc;
}
