import { encodeNdjson, encodeSpans, recordJson, siteJson, tailJson, type SiteJson } from './json.js';
import { RecordingSpan, type Site } from '../record/span.js';
import type { SpanRecord } from '../model/span-record.js';

/**
 * The same JSON as `encodeSpans` and `encodeNdjson`, written straight into bytes. A sink sends
 * bytes: text built by appending is a rope that must be flattened and then converted, which cost
 * more than the rest of a span's encoding together. The tracer's own records are written by hand
 * from their compact fields (IDs from their 32-bit words, times from their integer parts); what
 * only some spans have (their own remote endpoint, annotations, tags) goes through the text encoder.
 */

/**
 * A site's spans as bytes. Every span of a site starts with the same text but for its trace ID
 * (fixed too when the site has a parent), its own ID and its start time: that text is one template,
 * copied in one go and patched. On this kind of machine a native copy costs as much as a dozen
 * single-byte stores, and a four-byte store as much as one: the patches are written four and two
 * bytes at a time.
 */
interface SiteBytes {
  readonly site: Site;
  /** The same parts as text. */
  readonly json: SiteJson;
  /**
   * `{"traceId":"…","parentId":"…","id":"…","kind":…,"name":…,"timestamp":…,"duration":` for one
   * trace ID, with room for a 16-digit timestamp (every start from 2001 to 2286).
   */
  template: Uint8Array;
  /** The trace ID written in the template. */
  templateTraceId: string;
  /** Where the span's own ID goes in the template. */
  idAt: number;
  /** Where the timestamp goes. */
  timestampAt: number;
  /** Flags and the local endpoint: what precedes a span's own remote endpoint, annotations and tags. */
  readonly flagsLocal: Uint8Array;
  /** Everything after the duration for a span with nothing of its own, closing brace included. */
  readonly plainTail: Uint8Array;
}

const encoder = new TextEncoder();
const siteCache = new WeakMap<Site, SiteBytes>();
let lastSite: SiteBytes | undefined;
/** Where the trace ID starts in every template: after `{"traceId":"`. */
const TRACE_ID_AT = 12;
const TIMESTAMP_DIGITS = 16;
const DURATION = ',"duration":';

function siteBytes(span: RecordingSpan): SiteBytes {
  const site = span.site;
  if (lastSite !== undefined && lastSite.site === site) return lastSite;
  let made = siteCache.get(site);
  if (made === undefined) {
    const s = siteJson(span);
    made = {
      site,
      json: s,
      template: new Uint8Array(0),
      templateTraceId: '',
      idAt: 0,
      timestampAt: 0,
      flagsLocal: encoder.encode(s.flagsLocal),
      plainTail: encoder.encode(s.flagsLocal + s.plainTail + '}'),
    };
    setTemplate(made, span);
    siteCache.set(site, made);
  }
  lastSite = made;
  return made;
}

function setTemplate(made: SiteBytes, span: RecordingSpan): void {
  const traceId = span.traceId;
  const parentId = span.site.parentId;
  const beforeId = '{"traceId":"' + traceId + (parentId === undefined ? '"' : '","parentId":"' + parentId + '"') + ',"id":"';
  made.template = encoder.encode(beforeId + '0000000000000000"' + made.json.head + ',"timestamp":' + '0'.repeat(TIMESTAMP_DIGITS) + DURATION);
  made.templateTraceId = traceId;
  // IDs are ASCII: their offsets in characters are offsets in bytes. The timestamp comes after the
  // name, which may not be; counted from the end, it is past the name.
  made.idAt = beforeId.length;
  made.timestampAt = made.template.length - TIMESTAMP_DIGITS - DURATION.length;
}

/** Two hex digits of a byte, as the 16-bit little-endian value that stores them in order. */
const HEX_PAIRS = new Uint16Array(256);
/** Two decimal digits of 0 to 99, the same way. */
const DIGIT_PAIRS = new Uint16Array(100);
{
  const hex = '0123456789abcdef';
  for (let i = 0; i < 256; i++) HEX_PAIRS[i] = hex.charCodeAt(i >> 4) | (hex.charCodeAt(i & 15) << 8);
  for (let i = 0; i < 100; i++) DIGIT_PAIRS[i] = (48 + ((i / 10) | 0)) | ((48 + (i % 10)) << 8);
}
const DURATION_BYTES = encoder.encode(DURATION);
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const NEWLINE = 0x0a;

/** Most bytes a span's numbers can take beyond its template (a timestamp and a duration below 2^53). */
const SPAN_SLACK = 64;
/** A scratch buffer past this size is not kept between batches. */
const MAX_KEPT_SCRATCH = 1 << 20;
const FIRST_SCRATCH = 1 << 16;

let buf: Buffer = Buffer.allocUnsafe(FIRST_SCRATCH);
let view = new DataView(buf.buffer, buf.byteOffset, buf.length);
let pos = 0;

function setScratch(next: Buffer): void {
  buf = next;
  view = new DataView(next.buffer, next.byteOffset, next.length);
}

function ensure(n: number): void {
  if (pos + n <= buf.length) return;
  const next = Buffer.allocUnsafe(Math.max(buf.length * 2, pos + n));
  buf.copy(next, 0, 0, pos);
  setScratch(next);
}

function putText(text: string): void {
  ensure(text.length * 3);
  pos += buf.write(text, pos, 'utf8');
}

/** Writes the decimal digits of a non-negative integer below 2^53 at `p`; returns the end. */
function writeUint(v: DataView, p: number, n: number): number {
  if (n >= 1e8) {
    const high = Math.floor(n / 1e8);
    p = writeUint(v, p, high);
    return writePadded(v, p, n - high * 1e8, 8);
  }
  const digits = n < 100 ? (n < 10 ? 1 : 2) : n < 1e4 ? (n < 1e3 ? 3 : 4) : n < 1e6 ? (n < 1e5 ? 5 : 6) : n < 1e7 ? 7 : 8;
  return writePadded(v, p, n, digits);
}

/** Writes exactly `width` digits of `n` (< 10^width, < 2^31), zero-padded, two at a time; returns the end. */
function writePadded(v: DataView, p: number, n: number, width: number): number {
  let at = p + width;
  while (at - p >= 2) {
    const q = (n / 100) | 0;
    at -= 2;
    v.setUint16(at, DIGIT_PAIRS[n - q * 100]!, true);
    n = q;
  }
  if (at > p) v.setUint8(p, 48 + n);
  return p + width;
}

/** Eight hex digits of a 32-bit word in two stores. */
function writeWordHex(v: DataView, p: number, w: number): void {
  v.setInt32(p, HEX_PAIRS[w >>> 24]! | (HEX_PAIRS[(w >>> 16) & 255]! << 16), true);
  v.setInt32(p + 4, HEX_PAIRS[(w >>> 8) & 255]! | (HEX_PAIRS[w & 255]! << 16), true);
}

// A batch's spans mostly started within the same second: its ten digits are made once, as the
// values of three stores.
let lastSeconds = -1;
let secondsHigh = 0;
let secondsMid = 0;
let secondsLow = 0;

function setSeconds(seconds: number): void {
  const high = (seconds / 1e6) | 0;
  const rest = seconds - high * 1e6;
  const mid = (rest / 100) | 0;
  secondsHigh = DIGIT_PAIRS[(high / 100) | 0]! | (DIGIT_PAIRS[high % 100]! << 16);
  secondsMid = DIGIT_PAIRS[(mid / 100) | 0]! | (DIGIT_PAIRS[mid % 100]! << 16);
  secondsLow = DIGIT_PAIRS[rest % 100]!;
  lastSeconds = seconds;
}

function putRecordingSpan(span: RecordingSpan): void {
  const site = siteBytes(span);
  const traceId = span.traceId;
  if (traceId !== site.templateTraceId && traceId.length !== site.templateTraceId.length) setTemplate(site, span);
  const template = site.template;
  const tail = span.extra === undefined ? site.plainTail : site.flagsLocal;
  ensure(template.length + SPAN_SLACK + tail.length);
  const b = buf;
  const v = view;
  const start = pos;
  b.set(template, start);
  // A root site's spans each have their own trace: same length, written over the template's.
  if (traceId !== site.templateTraceId) {
    // 16 or 32 hex characters: four per store.
    for (let i = 0, at = start + TRACE_ID_AT; i < traceId.length; i += 4) {
      v.setInt32(at + i, traceId.charCodeAt(i) | (traceId.charCodeAt(i + 1) << 8) | (traceId.charCodeAt(i + 2) << 16) | (traceId.charCodeAt(i + 3) << 24), true);
    }
  }
  const idAt = start + site.idAt;
  writeWordHex(v, idAt, span.idHigh);
  writeWordHex(v, idAt + 8, span.idLow);
  // The same text as microsText: whole seconds, then six digits of microseconds.
  const seconds = span.startSeconds;
  const micros = span.startMicros;
  let p = start + site.timestampAt;
  if (seconds >= 1e9 && seconds < 1e10) {
    // Ten digits of seconds and six of microseconds: the template's layout.
    if (seconds !== lastSeconds) setSeconds(seconds);
    v.setInt32(p, secondsHigh, true);
    v.setInt32(p + 4, secondsMid, true);
    v.setUint16(p + 8, secondsLow, true);
    const q1 = (micros / 100) | 0;
    const q2 = (q1 / 100) | 0;
    v.setInt32(p + 10, DIGIT_PAIRS[q2]! | (DIGIT_PAIRS[q1 - q2 * 100]! << 16), true);
    v.setUint16(p + 14, DIGIT_PAIRS[micros - q1 * 100]!, true);
    p += TIMESTAMP_DIGITS + DURATION_BYTES.length;
  } else {
    // Any other start (an injected clock): written over the template from the timestamp on.
    p = seconds >= 1000 ? writePadded(v, writeUint(v, p, seconds), micros, 6) : writeUint(v, p, seconds * 1e6 + micros);
    b.set(DURATION_BYTES, p);
    p += DURATION_BYTES.length;
  }
  p = writeUint(v, p, span.duration);
  b.set(tail, p);
  pos = p + tail.length;
  if (span.extra !== undefined) putText(tailJson(span, site.json) + '}');
}

function putRecord(r: SpanRecord): void {
  // A site of one span gains nothing from a byte template (made once, used once): its text is cheaper.
  if (r instanceof RecordingSpan && !r.site.perCall) putRecordingSpan(r);
  else putText(recordJson(r));
}

/** The bytes written since `pos` was reset, in a buffer of their own; the scratch is reused. */
function take(): Buffer {
  const out = Buffer.allocUnsafe(pos);
  buf.copy(out, 0, 0, pos);
  if (buf.length > MAX_KEPT_SCRATCH) setScratch(Buffer.allocUnsafe(FIRST_SCRATCH));
  pos = 0;
  return out;
}

// A foreign record's getters run inside an encode; one that encodes too gets text made into bytes.
let busy = false;

function encode(records: readonly SpanRecord[], ndjson: boolean): Buffer {
  if (busy) return Buffer.from(ndjson ? encodeNdjson(records) : encodeSpans(records));
  busy = true;
  try {
    pos = 0;
    if (ndjson) {
      for (let i = 0; i < records.length; i++) {
        putRecord(records[i]!);
        ensure(1);
        buf[pos++] = NEWLINE;
      }
    } else {
      ensure(2);
      buf[pos++] = OPEN_ARRAY;
      for (let i = 0; i < records.length; i++) {
        if (i > 0) {
          ensure(1);
          buf[pos++] = COMMA;
        }
        putRecord(records[i]!);
      }
      ensure(1);
      buf[pos++] = CLOSE_ARRAY;
    }
    return take();
  } finally {
    busy = false;
  }
}

/**
 * Encodes a batch as the JSON array that `POST /api/v2/spans` takes, as UTF-8 bytes: the same
 * bytes as `Buffer.from(encodeSpans(records))`, made without building the text first. The buffer
 * is the caller's: later calls do not touch it.
 * @throws whatever a getter of a record that is not the tracer's own throws (the tracer's never do).
 * @example await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: encodeSpansBytes(spans) })
 */
export function encodeSpansBytes(records: readonly SpanRecord[]): Buffer {
  return encode(records, false);
}

/**
 * Encodes a batch as NDJSON bytes, one span per line, each line ending with `\n`: the same bytes as
 * `Buffer.from(encodeNdjson(records))`. The buffer is the caller's: later calls do not touch it.
 * @throws whatever a getter of a record that is not the tracer's own throws (the tracer's never do).
 * @example fs.appendFileSync(file, encodeNdjsonBytes(spans))
 */
export function encodeNdjsonBytes(records: readonly SpanRecord[]): Buffer {
  return encode(records, true);
}
