import { encodeNdjson, encodeSpans, localJson, microsText, recordJson, siteJson, tagsJson, type SiteJson } from './json.js';
import { RecordingSpan, type Site, type SpanExtra, type TracerCore } from '../record/span.js';
import type { Endpoint } from '../model/endpoint.js';
import type { Annotation, SpanRecord } from '../model/span-record.js';
import { isRepeat, PAIRWISE_MAX } from './unique-annotations.js';

/**
 * The same JSON as `encodeSpans` and `encodeNdjson`, written straight into bytes. A sink sends
 * bytes: text built by appending is a rope that must be flattened and then converted, which cost
 * more than the rest of a span's encoding together. The tracer's own records are written by hand
 * from their compact fields (IDs from their 32-bit words, times from their integer parts), their
 * own remote endpoint, annotations and tags included, escaped byte for byte as `jsonString` (that
 * is, `JSON.stringify`) escapes them. Records that are not the tracer's own go through the text
 * encoder.
 *
 * Costs on the kind of machine this was measured on (see benchmarks/encode.mjs): a native copy
 * (`Uint8Array.set`, `Buffer.write`) costs about as much as a dozen single-byte stores and as much
 * for 2 bytes as for 100; a four-byte store as much as one; reading a string costs about a
 * nanosecond per character. So constants are written as four-byte words, strings of up to
 * `NATIVE_FROM` characters four characters per store after a check of the four, longer ones by one
 * native UTF-8 write checked afterwards, and what every span of a site shares is one native copy.
 */

/**
 * A site's spans as bytes. Every span of a site starts with the same text but for its trace ID
 * (fixed too when the site has a parent), its own ID and its start time: that text is one template,
 * copied in one go and patched. The patches are written four and two bytes at a time.
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
  /** `,"remoteEndpoint":{…}` of the site, or empty. */
  readonly remote: Uint8Array;
  /** The members of the default and site tags, merged, without braces, or empty. */
  readonly baseTags: Uint8Array;
}

/** What every span of one tracer shares, for spans of a site of their own (startSpan's). */
interface CoreBytes {
  readonly core: TracerCore;
  /** `,"debug":true`, `,"shared":true` and the local endpoint, indexed by debug (1) | shared (2). */
  readonly flagsLocal: readonly Uint8Array[];
  /** The members of the default tags, without braces, or empty. */
  readonly defaultTags: Uint8Array;
}

const encoder = new TextEncoder();
const siteCache = new WeakMap<Site, SiteBytes>();
let lastSite: SiteBytes | undefined;
const coreCache = new WeakMap<TracerCore, CoreBytes>();
let lastCore: CoreBytes | undefined;
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
      remote: encoder.encode(s.remote),
      baseTags: encoder.encode(s.baseTagsJson),
    };
    setTemplate(made, span);
    siteCache.set(site, made);
  }
  lastSite = made;
  return made;
}

function coreBytes(span: RecordingSpan): CoreBytes {
  const core = span.site.core;
  if (lastCore !== undefined && lastCore.core === core) return lastCore;
  let made = coreCache.get(core);
  if (made === undefined) {
    // The text encoder's own parts, made into bytes once: the same text by construction.
    const local = localJson(core);
    made = {
      core,
      flagsLocal: ['', ',"debug":true', ',"shared":true', ',"debug":true,"shared":true'].map((flags) => encoder.encode(flags + local)),
      defaultTags: encoder.encode(core.defaultTags === undefined ? '' : tagsJson(core.defaultTags)),
    };
    coreCache.set(core, made);
  }
  lastCore = made;
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
/** One lowercase hex digit. */
const HEX_DIGITS = new Uint8Array(16);
{
  const hex = '0123456789abcdef';
  for (let i = 0; i < 256; i++) HEX_PAIRS[i] = hex.charCodeAt(i >> 4) | (hex.charCodeAt(i & 15) << 8);
  for (let i = 0; i < 100; i++) DIGIT_PAIRS[i] = (48 + ((i / 10) | 0)) | ((48 + (i % 10)) << 8);
  for (let i = 0; i < 16; i++) HEX_DIGITS[i] = hex.charCodeAt(i);
}

/**
 * An ASCII constant as little-endian 32-bit words, its length in bytes last. It is written a word
 * at a time: the last store may run up to three bytes past its end, into the room every write
 * has (`SLACK`), where the next write goes.
 */
function words(text: string): Int32Array {
  const n = Math.ceil(text.length / 4);
  const w = new Int32Array(n + 1);
  for (let i = 0; i < text.length; i++) w[i >> 2]! |= text.charCodeAt(i) << ((i & 3) * 8);
  w[n] = text.length;
  return w;
}

const W_DURATION = words(DURATION);
const W_TRACE_ID = words('{"traceId":"');
const W_PARENT_ID = words('","parentId":"');
const W_ID = words('","id":"');
const W_NAME = words(',"name":"');
const W_TIMESTAMP = words(',"timestamp":');
const W_REMOTE = words(',"remoteEndpoint":');
const W_SERVICE_NAME = words('{"serviceName":"');
const W_IPV4_FIRST = words('{"ipv4":"');
const W_IPV4 = words(',"ipv4":"');
const W_IPV6_FIRST = words('{"ipv6":"');
const W_IPV6 = words(',"ipv6":"');
const W_PORT_FIRST = words('{"port":');
const W_PORT = words(',"port":');
const W_ANNOTATIONS = words(',"annotations":[{"timestamp":');
const W_NO_ANNOTATIONS = words(',"annotations":[]');
const W_NEXT_ANNOTATION = words(',{"timestamp":');
const W_VALUE = words(',"value":"');
const W_TAGS = words(',"tags":{');
const W_TAG_SEPARATOR = words('":"');
/** `","kind":"…"` for each kind: the closing quote of the span's ID, then its kind. */
const W_KIND: Readonly<Record<string, Int32Array>> = {
  CLIENT: words('","kind":"CLIENT"'),
  SERVER: words('","kind":"SERVER"'),
  PRODUCER: words('","kind":"PRODUCER"'),
  CONSUMER: words('","kind":"CONSUMER"'),
};
/** The same for a kind not among them (never the tracer's: it checks kinds). */
const W_KIND_ANY = words('","kind":"');

const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const NEWLINE = 0x0a;
/** `"}` as one little-endian 16-bit store. */
const QUOTE_CLOSE_BRACE = QUOTE | (CLOSE_BRACE << 8);

/**
 * Room every writer may use past what it reserved: its constants, numbers and closing bytes (a
 * word store running past its end included). Each writer of a string or of a cached part reserves
 * its own length; the few bytes in between fit in this.
 */
const SLACK = 256;
/** A scratch buffer past this size is not kept between batches. */
const MAX_KEPT_SCRATCH = 1 << 20;
const FIRST_SCRATCH = 1 << 16;
/**
 * Strings from this length on are written by one native UTF-8 write and checked afterwards, four
 * bytes at a time; shorter ones four characters per store, each four checked first. Measured on
 * flat ASCII strings: the loop costs about 1.2 ns per character, the native write about 40 ns
 * whatever the length up to a few hundred, its check about 0.5 ns per character.
 */
const NATIVE_FROM = 48;

let buf: Buffer = Buffer.allocUnsafe(FIRST_SCRATCH);
let view = new DataView(buf.buffer, buf.byteOffset, buf.length);

function setScratch(next: Buffer): void {
  buf = next;
  view = new DataView(next.buffer, next.byteOffset, next.length);
}

/** Makes room for `n` bytes from `p` on (and `SLACK` more); a writer reads `buf` and `view` after it. */
function room(p: number, n: number): void {
  if (p + n + SLACK > buf.length) grow(p, n);
}

function grow(p: number, n: number): void {
  const next = Buffer.allocUnsafe(Math.max(buf.length * 2, p + n + SLACK));
  buf.copy(next, 0, 0, p);
  setScratch(next);
}

function putWords(p: number, w: Int32Array): number {
  const v = view;
  const n = w.length - 1;
  for (let i = 0; i < n; i++) v.setInt32(p + 4 * i, w[i]!, true);
  return p + w[n]!;
}

/** A part made once (a site's template, its local endpoint), copied in one go. */
function putBytes(p: number, bytes: Uint8Array): number {
  room(p, bytes.length);
  buf.set(bytes, p);
  return p + bytes.length;
}

/**
 * Whether the four characters of `w` (each below 0x80, one per byte) are all written as they are
 * in a JSON string: none is a control character, a quote or a backslash. SWAR: a byte below n
 * shows as a high bit in `(w - n * 0x01010101) & ~w`, a zero byte of `w ^ c` marks a byte equal to c.
 */
function plainWord(w: number): boolean {
  const q = w ^ 0x22222222;
  const b = w ^ 0x5c5c5c5c;
  return ((((w - 0x20202020) & ~w) | ((q - 0x01010101) & ~q) | ((b - 0x01010101) & ~b)) & 0x80808080) === 0;
}

/** Whether one UTF-16 unit is written as it is, as one byte, in a JSON string. */
function plainChar(c: number): boolean {
  return c >= 0x20 && c < 0x80 && c !== QUOTE && c !== BACKSLASH;
}

/**
 * Writes the characters of `s` as inside a JSON string literal (no quotes), as UTF-8, escaped
 * exactly as `JSON.stringify` escapes them (which `jsonString` uses whenever anything needs
 * escaping): `\"`, `\\`, `\b \t \n \f \r`, other control characters as `\u00xx`, lone surrogates
 * as `\udxxx` (lowercase hex); everything else, U+2028 and U+2029 included, as its UTF-8 bytes.
 * Returns the end.
 */
function putJsonChars(p: number, s: string): number {
  const n = s.length;
  // At most 6 bytes per UTF-16 unit (`\u001f`); a surrogate pair takes 4 for 2.
  room(p, n * 6);
  if (n >= NATIVE_FROM) return putLongJsonChars(p, s);
  const v = view;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const c0 = s.charCodeAt(i);
    const c1 = s.charCodeAt(i + 1);
    const c2 = s.charCodeAt(i + 2);
    const c3 = s.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) >= 0x80) break;
    const w = c0 | (c1 << 8) | (c2 << 16) | (c3 << 24);
    if (!plainWord(w)) break;
    v.setInt32(p + i, w, true);
  }
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (!plainChar(c)) return escapeFrom(p + i, s, i);
    v.setUint8(p + i, c);
  }
  return p + n;
}

/**
 * Buffer's own UTF-8 writer, without `write`'s argument handling (about 25 ns a call): every Node
 * from 20 to 26 has it; `write` where one does not.
 */
const utf8Write: (b: Buffer, s: string, p: number) => number =
  typeof (Buffer.prototype as { utf8Write?: unknown }).utf8Write === 'function'
    ? (b, s, p) => (b as Buffer & { utf8Write(s: string, p: number): number }).utf8Write(s, p)
    : (b, s, p) => b.write(s, p, 'utf8');

/** A long string: one native UTF-8 write, kept when it wrote one plain byte per character. */
function putLongJsonChars(p: number, s: string): number {
  const n = s.length;
  // As many bytes as characters: every character was ASCII (any other takes 2 to 4 per unit).
  if (utf8Write(buf, s, p) === n) {
    const v = view;
    let i = 0;
    let plain = true;
    for (; i + 4 <= n; i += 4) {
      if (!plainWord(v.getInt32(p + i, true))) {
        plain = false;
        break;
      }
    }
    for (; plain && i < n; i++) plain = plainChar(v.getUint8(p + i));
    if (plain) return p + n;
  }
  return escapeFrom(p, s, 0);
}

/** Writes `s` from character `i` on at `p`, one character at a time, escaping what needs it. */
function escapeFrom(p: number, s: string, i: number): number {
  const b = buf;
  const n = s.length;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x20 && c !== QUOTE && c !== BACKSLASH) {
        b[p++] = c;
      } else {
        b[p++] = BACKSLASH;
        const short = SHORT_ESCAPE[c]!;
        if (short !== 0) b[p++] = short;
        else p = putUnicodeEscape(b, p, c);
      }
    } else if (c < 0x800) {
      b[p++] = 0xc0 | (c >> 6);
      b[p++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c > 0xdfff) {
      // U+2028 and U+2029 too: JSON.stringify leaves them as they are.
      b[p++] = 0xe0 | (c >> 12);
      b[p++] = 0x80 | ((c >> 6) & 0x3f);
      b[p++] = 0x80 | (c & 0x3f);
    } else {
      const d = c <= 0xdbff && i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) {
        const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        b[p++] = 0xf0 | (cp >> 18);
        b[p++] = 0x80 | ((cp >> 12) & 0x3f);
        b[p++] = 0x80 | ((cp >> 6) & 0x3f);
        b[p++] = 0x80 | (cp & 0x3f);
        i++;
      } else {
        // A lone surrogate: well-formed JSON.stringify escapes it.
        b[p++] = BACKSLASH;
        p = putUnicodeEscape(b, p, c);
      }
    }
  }
  return p;
}

/** What follows the backslash of JSON's short escapes (`\"`, `\\`, `\b \t \n \f \r`); 0: `\u00xx`. */
const SHORT_ESCAPE = new Uint8Array(0x80);
SHORT_ESCAPE[QUOTE] = QUOTE;
SHORT_ESCAPE[BACKSLASH] = BACKSLASH;
SHORT_ESCAPE[0x08] = 0x62; // b
SHORT_ESCAPE[0x09] = 0x74; // t
SHORT_ESCAPE[0x0a] = 0x6e; // n
SHORT_ESCAPE[0x0c] = 0x66; // f
SHORT_ESCAPE[0x0d] = 0x72; // r

/** `u` and four lowercase hex digits of `c` (the backslash already written). */
function putUnicodeEscape(b: Buffer, p: number, c: number): number {
  b[p] = 0x75; // u
  b[p + 1] = HEX_DIGITS[c >> 12]!;
  b[p + 2] = HEX_DIGITS[(c >> 8) & 15]!;
  b[p + 3] = HEX_DIGITS[(c >> 4) & 15]!;
  b[p + 4] = HEX_DIGITS[c & 15]!;
  return p + 5;
}

/**
 * Writes `s` unescaped, as `Buffer.write` writes it in UTF-8: what the text encoder writes as it
 * is (IDs, addresses, numbers as text). ASCII four characters per store; anything else by one
 * native write of the whole string.
 */
function putRawChars(p: number, s: string): number {
  const n = s.length;
  room(p, n * 3);
  const v = view;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const c0 = s.charCodeAt(i);
    const c1 = s.charCodeAt(i + 1);
    const c2 = s.charCodeAt(i + 2);
    const c3 = s.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) >= 0x80) return p + buf.write(s, p, 'utf8');
    v.setInt32(p + i, c0 | (c1 << 8) | (c2 << 16) | (c3 << 24), true);
  }
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return p + buf.write(s, p, 'utf8');
    v.setUint8(p + i, c);
  }
  return p + n;
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

/** A number as `'' + n` writes it: the digits of a safe non-negative integer, else its text. */
function putNumber(p: number, n: number): number {
  if (n >= 0 && n <= Number.MAX_SAFE_INTEGER && Math.floor(n) === n) return writeUint(view, p, n);
  return putRawChars(p, '' + n);
}

/** Epoch microseconds as `microsText` writes them. */
function putMicros(p: number, n: number): number {
  if (n >= 1e9 && n <= Number.MAX_SAFE_INTEGER && Math.floor(n) === n) {
    const seconds = Math.floor(n / 1e6);
    const v = view;
    // An annotation's second is mostly its span's: its ten digits are made already.
    if (seconds >= 1e9 && seconds < 1e10) {
      writeUsualStart(v, p, seconds, n - seconds * 1e6);
      return p + TIMESTAMP_DIGITS;
    }
    return writePadded(v, writeUint(v, p, seconds), n - seconds * 1e6, 6);
  }
  // Below 10^9 the text is `'' + n`. A time that is no safe integer (an injected clock's) is rare:
  // its text, made a string (for NaN or an infinity microsText gives the number NaN, which the
  // text encoder appends as "NaN").
  return n >= 0 && n < 1e9 && Math.floor(n) === n ? writeUint(view, p, n) : putRawChars(p, '' + microsText(n));
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

/**
 * The usual start, ten digits of whole seconds (2001 to 2286) then six of microseconds, as
 * `microsText` writes it, in five stores at `p`.
 */
function writeUsualStart(v: DataView, p: number, seconds: number, micros: number): void {
  if (seconds !== lastSeconds) setSeconds(seconds);
  v.setInt32(p, secondsHigh, true);
  v.setInt32(p + 4, secondsMid, true);
  v.setUint16(p + 8, secondsLow, true);
  const q1 = (micros / 100) | 0;
  const q2 = (q1 / 100) | 0;
  v.setInt32(p + 10, DIGIT_PAIRS[q2]! | (DIGIT_PAIRS[q1 - q2 * 100]! << 16), true);
  v.setUint16(p + 14, DIGIT_PAIRS[micros - q1 * 100]!, true);
}

/** The span's start as `microsText` writes it, whole seconds then six digits of microseconds; returns the end. */
function putStart(p: number, span: RecordingSpan): number {
  const seconds = span.startSeconds;
  if (seconds >= 1e9 && seconds < 1e10) {
    writeUsualStart(view, p, seconds, span.startMicros);
    return p + TIMESTAMP_DIGITS;
  }
  // Any other start (an injected clock's).
  if (seconds >= 1000 && seconds < 1e10) return writePadded(view, writeUint(view, p, seconds), span.startMicros, 6);
  return putMicros(p, span.timestamp);
}

/** `,"duration":` and the span's duration. */
function putDuration(p: number, span: RecordingSpan): number {
  return putNumber(putWords(p, W_DURATION), span.duration);
}

/** An endpoint as `endpointJson` writes it: `{"serviceName":…,"ipv4":…,"ipv6":…,"port":…}`, those present. */
function putEndpoint(p: number, e: Endpoint): number {
  const serviceName = e.serviceName;
  const ipv4 = e.ipv4;
  const ipv6 = e.ipv6;
  const port = e.port;
  let first = true;
  if (serviceName !== undefined) {
    p = putJsonChars(putWords(p, W_SERVICE_NAME), serviceName);
    view.setUint8(p++, QUOTE);
    first = false;
  }
  if (ipv4 !== undefined) {
    p = putRawChars(putWords(p, first ? W_IPV4_FIRST : W_IPV4), ipv4);
    view.setUint8(p++, QUOTE);
    first = false;
  }
  if (ipv6 !== undefined) {
    p = putRawChars(putWords(p, first ? W_IPV6_FIRST : W_IPV6), ipv6);
    view.setUint8(p++, QUOTE);
    first = false;
  }
  if (port !== undefined) {
    p = putNumber(putWords(p, first ? W_PORT_FIRST : W_PORT), port);
    first = false;
  }
  if (first) view.setUint8(p++, OPEN_BRACE);
  view.setUint8(p++, CLOSE_BRACE);
  return p;
}

/** `,"annotations":[…]` as `annotationsJson` writes it: Zipkin's model says annotations are unique items. */
function putAnnotations(p: number, events: readonly Annotation[]): number {
  const n = events.length;
  if (n === 0) return putWords(p, W_NO_ANNOTATIONS);
  const seen = n > PAIRWISE_MAX ? new Set<string>() : undefined;
  for (let i = 0; i < n; i++) {
    if (isRepeat(events, i, seen)) continue;
    const a = events[i]!;
    p = putMicros(putWords(p, i === 0 ? W_ANNOTATIONS : W_NEXT_ANNOTATION), a.timestamp);
    p = putJsonChars(putWords(p, W_VALUE), a.value);
    view.setUint16(p, QUOTE_CLOSE_BRACE, true);
    p += 2;
  }
  view.setUint8(p++, CLOSE_ARRAY);
  return p;
}

/**
 * The members `"key":"value"` of `tags` at `p`, in `for…in` order as `tagsJson` writes them,
 * each after a comma unless it is the first since `open` (where the members begin). Returns the end.
 */
function putTagMembers(p: number, tags: Readonly<Record<string, string>>, open: number): number {
  for (const key in tags) {
    const value = tags[key]!;
    if (p !== open) view.setUint8(p++, COMMA);
    view.setUint8(p++, QUOTE);
    p = putJsonChars(putWords(putJsonChars(p, key), W_TAG_SEPARATOR), typeof value === 'string' ? value : String(value));
    view.setUint8(p++, QUOTE);
  }
  return p;
}

/** Base tags (default and site tags) as cached bytes when they are, else as an object written member by member. */
function putBase(p: number, bytes: Uint8Array | undefined, tags: Readonly<Record<string, string>>, open: number): number {
  return bytes !== undefined ? putBytes(p, bytes) : putTagMembers(p, tags, open);
}

/**
 * What follows the local endpoint, closing brace included, as `tailJson` writes it: the span's own
 * remote endpoint or the site's, its annotations, then its tags over the base tags. `siteRemote`
 * is the site's remote endpoint as bytes when cached, else `remoteEndpoint` is written; the same
 * for `baseBytes` (the members of `baseTags`, or undefined to write them from the object).
 */
function putTail(
  p: number,
  extra: SpanExtra | undefined,
  siteRemote: Uint8Array | undefined,
  remoteEndpoint: Endpoint | undefined,
  baseTags: Readonly<Record<string, string>> | undefined,
  baseBytes: Uint8Array | undefined,
): number {
  const own = extra?.remote;
  if (own !== undefined) p = putEndpoint(putWords(p, W_REMOTE), own);
  else if (siteRemote !== undefined) p = putBytes(p, siteRemote);
  else if (remoteEndpoint !== undefined) p = putEndpoint(putWords(p, W_REMOTE), remoteEndpoint);
  const events = extra?.events;
  if (events !== undefined) p = putAnnotations(p, events);
  const tags = extra?.tags;
  if (tags === undefined) {
    if (baseTags !== undefined) {
      // Nothing at all when the base tags have no member.
      const before = p;
      const open = putWords(p, W_TAGS);
      p = putBase(open, baseBytes, baseTags, open);
      if (p === open) p = before;
      else view.setUint8(p++, CLOSE_BRACE);
    }
  } else {
    const open = putWords(p, W_TAGS);
    p = open;
    if (baseTags === undefined) {
      p = putTagMembers(p, tags, open);
    } else {
      let overlaps = false;
      for (const key in tags) {
        // `in`, as tailJson checks: a key of Object.prototype counts too, and then both are merged.
        if (key in baseTags) {
          overlaps = true;
          break;
        }
      }
      if (overlaps) p = putTagMembers(p, { ...baseTags, ...tags }, open);
      else p = putTagMembers(putBase(p, baseBytes, baseTags, open), tags, open);
    }
    view.setUint8(p++, CLOSE_BRACE);
  }
  view.setUint8(p++, CLOSE_BRACE);
  return p;
}

/** A span of a shared site: the site's template, patched, then its own parts. */
function putSiteSpan(p: number, span: RecordingSpan): number {
  const site = siteBytes(span);
  const traceId = span.traceId;
  if (traceId !== site.templateTraceId && traceId.length !== site.templateTraceId.length) setTemplate(site, span);
  const template = site.template;
  const extra = span.extra;
  const tail = extra === undefined ? site.plainTail : site.flagsLocal;
  room(p, template.length + tail.length);
  const v = view;
  const start = p;
  buf.set(template, start);
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
  const at = start + site.timestampAt;
  const seconds = span.startSeconds;
  // The usual start fills the template's 16 digits, its `,"duration":` left as it is; any other is
  // written over the template from the timestamp on.
  const duration = span.duration;
  if (seconds >= 1e9 && seconds < 1e10 && duration <= Number.MAX_SAFE_INTEGER) {
    writeUsualStart(v, at, seconds, span.startMicros);
    p = writeUint(v, at + TIMESTAMP_DIGITS + DURATION.length, duration);
    // Room for it was made with the template's.
    buf.set(tail, p);
    p += tail.length;
  } else {
    p = putBytes(putNumber(putWords(putStart(at, span), W_DURATION), duration), tail);
  }
  if (extra === undefined) return p;
  const json = site.json;
  return putTail(p, extra, site.remote.length === 0 ? undefined : site.remote, undefined, json.baseTags, site.baseTags);
}

// Siblings share their trace and parent: the bytes up to a span's own ID, written for the first of
// a run of them, are copied for the next ones from where they are in this batch.
let prefixTraceId = '';
let prefixParentId: string | undefined = '';
let prefixStart = -1;
let prefixEnd = -1;

/**
 * A span of a site of its own (startSpan's: an HTTP client or server span, a job's root): nothing
 * to gain from a template made for one span; its parts are written one by one, each in the words,
 * digits and characters of the rest.
 */
function putOwnSiteSpan(p: number, span: RecordingSpan): number {
  const site = span.site;
  const traceId = span.traceId;
  const parentId = site.parentId;
  if (prefixStart >= 0 && traceId === prefixTraceId && parentId === prefixParentId) {
    room(p, prefixEnd - prefixStart);
    buf.copyWithin(p, prefixStart, prefixEnd);
    p += prefixEnd - prefixStart;
  } else {
    const start = p;
    p = putRawChars(putWords(p, W_TRACE_ID), traceId);
    if (parentId !== undefined) p = putRawChars(putWords(p, W_PARENT_ID), parentId);
    p = putWords(p, W_ID);
    prefixTraceId = traceId;
    prefixParentId = parentId;
    prefixStart = start;
    prefixEnd = p;
  }
  room(p, 0);
  const v = view;
  writeWordHex(v, p, span.idHigh);
  writeWordHex(v, p + 8, span.idLow);
  p += 16;
  const kind = site.kind;
  if (kind === undefined) v.setUint8(p++, QUOTE);
  else {
    const w = W_KIND[kind];
    if (w !== undefined) p = putWords(p, w);
    else {
      p = putRawChars(putWords(p, W_KIND_ANY), kind);
      view.setUint8(p++, QUOTE);
    }
  }
  const name = site.name;
  if (name !== '') {
    p = putJsonChars(putWords(p, W_NAME), name);
    view.setUint8(p++, QUOTE);
  }
  p = putDuration(putStart(putWords(p, W_TIMESTAMP), span), span);
  const core = coreBytes(span);
  p = putBytes(p, core.flagsLocal[(span.debug ? 1 : 0) | (span.shared ? 2 : 0)]!);
  const defaults = site.core.defaultTags;
  const siteTags = site.tags;
  // The base tags as siteJson merges them: the default tags (cached), the site's, or both merged.
  const baseTags = defaults === undefined ? siteTags : siteTags === undefined ? defaults : { ...defaults, ...siteTags };
  const baseBytes = defaults !== undefined && siteTags === undefined ? core.defaultTags : undefined;
  return putTail(p, span.extra, undefined, site.remoteEndpoint, baseTags, baseBytes);
}

function putRecord(p: number, r: SpanRecord): number {
  if (r instanceof RecordingSpan) return r.site.perCall ? putOwnSiteSpan(p, r) : putSiteSpan(p, r);
  const text = recordJson(r);
  room(p, text.length * 3);
  return p + buf.write(text, p, 'utf8');
}

/** Scratch buffers lent out (the body → its whole buffer), taken back by `giveBackSpansBytes`. */
const lent = new WeakMap<Uint8Array, Buffer>();
/** Scratch buffers given back, for the next batches: a sink's in-flight batches and a few more. */
const spare: Buffer[] = [];
const MAX_SPARE = 8;

/**
 * The bytes up to `end`. Copied into a buffer of their own (the scratch is reused), or, when lent,
 * the scratch itself: then a spare (or a new one) takes its place. A scratch less than half full is
 * copied even then, so a lent body never holds more than twice its bytes.
 */
function take(end: number, lend: boolean): Buffer {
  if (lend && end * 2 >= buf.length) {
    const whole = buf;
    const out = whole.subarray(0, end);
    lent.set(out, whole);
    setScratch(spare.pop() ?? Buffer.allocUnsafe(Math.min(whole.length, MAX_KEPT_SCRATCH)));
    return out;
  }
  const out = Buffer.allocUnsafe(end);
  buf.copy(out, 0, 0, end);
  if (buf.length > MAX_KEPT_SCRATCH) setScratch(Buffer.allocUnsafe(FIRST_SCRATCH));
  return out;
}

// A foreign record's getters run inside an encode; one that encodes too gets text made into bytes.
let busy = false;

function encode(records: readonly SpanRecord[], ndjson: boolean, lend: boolean): Buffer {
  if (busy) return Buffer.from(ndjson ? encodeNdjson(records) : encodeSpans(records));
  busy = true;
  // The previous batch's bytes are gone: no prefix to copy.
  prefixStart = -1;
  try {
    let p = 0;
    room(p, 2);
    if (ndjson) {
      for (let i = 0; i < records.length; i++) {
        p = putRecord(p, records[i]!);
        room(p, 1);
        buf[p++] = NEWLINE;
      }
    } else {
      buf[p++] = OPEN_ARRAY;
      for (let i = 0; i < records.length; i++) {
        if (i > 0) {
          room(p, 1);
          buf[p++] = COMMA;
        }
        p = putRecord(p, records[i]!);
      }
      room(p, 1);
      buf[p++] = CLOSE_ARRAY;
    }
    return take(p, lend);
  } finally {
    busy = false;
    prefixStart = -1;
    // Between batches the encoder keeps no site or tracer reachable (only its weak caches).
    lastSite = undefined;
    lastCore = undefined;
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
  return encode(records, false, false);
}

/**
 * `encodeSpansBytes` without the copy out of the encoder's scratch buffer: the bytes are lent,
 * for a sink that gives them back through `giveBackSpansBytes` once nothing will read them again
 * (sent, dropped or split; never while a request may still be writing them). Not given back, they
 * are only garbage, as a copy would be. Internal: the HTTP sink's encoder.
 */
export function lendSpansBytes(records: readonly SpanRecord[]): Buffer {
  return encode(records, false, true);
}

/** Takes back the buffer of a body `lendSpansBytes` lent; any other body is ignored (a split half, a copy). */
export function giveBackSpansBytes(body: Uint8Array): void {
  const whole = lent.get(body);
  if (whole === undefined) return;
  lent.delete(body);
  if (spare.length < MAX_SPARE && whole.length <= MAX_KEPT_SCRATCH) spare.push(whole);
}

/**
 * Encodes a batch as NDJSON bytes, one span per line, each line ending with `\n`: the same bytes as
 * `Buffer.from(encodeNdjson(records))`. The buffer is the caller's: later calls do not touch it.
 * @throws whatever a getter of a record that is not the tracer's own throws (the tracer's never do).
 * @example fs.appendFileSync(file, encodeNdjsonBytes(spans))
 */
export function encodeNdjsonBytes(records: readonly SpanRecord[]): Buffer {
  return encode(records, true, false);
}
