import { toZipkinSpan } from './json.js';
import { RecordingSpan, type Site, type SpanExtra, type TracerCore } from '../record/span.js';
import type { Endpoint } from '../model/endpoint.js';
import type { Annotation, SpanRecord } from '../model/span-record.js';
import type { ZipkinSpan } from '../model/zipkin-span.js';
import { isRepeat, PAIRWISE_MAX } from './unique-annotations.js';

/**
 * Zipkin's proto3 `ListOfSpans` (zipkin.proto, what `POST /api/v2/spans` takes as
 * `application/x-protobuf`), written straight into bytes over the compact records, as
 * `encodeSpansBytes` writes JSON: the same fields, the same values. A site's fixed fields are one
 * template copied and patched (trace ID, ID, start); a tracer's flags and local endpoint, a site's
 * remote endpoint and base tags are bytes made once. Records that are not the tracer's own go
 * through `toZipkinSpan`, as the JSON encoders' do.
 *
 * Where proto3 cannot say what JSON says, or Zipkin reads the two alike anyway:
 * - Tags are a map, and a map's later entry for a key replaces the earlier (protobuf's rule, and
 *   Zipkin's decoder's): the default, site and own tags are written in that order, not merged.
 * - Strings are UTF-8: a lone surrogate, which JSON escapes, is written as U+FFFD.
 * - An ID that is not 1 to 32 (16 for span IDs) lowercase hex digits, which Zipkin rejects in JSON,
 *   leaves the trace ID out, which Zipkin rejects too (the sink's bisect finds the span).
 * - An unknown kind, a port or time that is no positive integer, an address that does not parse,
 *   are left out (in JSON Zipkin rejects or ignores them).
 * - Message lengths are varints in front of what they measure: each is guessed (from the length
 *   in characters), the contents written after it, and the contents moved when the guess was wrong.
 */

// Field keys, `(field number << 3) | wire type`, all one byte.
/** ListOfSpans.spans, and Span.trace_id: both field 1, length-delimited. */
const K_SPAN = 0x0a;
const K_TRACE_ID = 0x0a;
const K_PARENT_ID = 0x12;
const K_ID = 0x1a;
const K_KIND = 0x20;
const K_NAME = 0x2a;
const K_TIMESTAMP = 0x31;
const K_DURATION = 0x38;
const K_LOCAL = 0x42;
const K_REMOTE = 0x4a;
const K_ANNOTATION = 0x52;
const K_TAG = 0x5a;
const K_DEBUG = 0x60;
const K_SHARED = 0x68;
const K_SERVICE_NAME = 0x0a;
const K_IPV4 = 0x12;
const K_IPV6 = 0x1a;
const K_PORT = 0x20;
const K_ANNOTATION_TIMESTAMP = 0x09;
const K_ANNOTATION_VALUE = 0x12;
const K_TAG_KEY = 0x0a;
const K_TAG_VALUE = 0x12;

/** Span.Kind's number for a kind, 0 for none or one it does not know. */
function kindNumber(kind: unknown): number {
  switch (kind) {
    case 'CLIENT':
      return 1;
    case 'SERVER':
      return 2;
    case 'PRODUCER':
      return 3;
    case 'CONSUMER':
      return 4;
    default:
      return 0;
  }
}

/** Room every writer may use past what it reserved: keys, lengths, numbers, the bytes a length fix moves. */
const SLACK = 256;
/** A scratch buffer past this size is not kept between batches. */
const MAX_KEPT_SCRATCH = 1 << 20;
const FIRST_SCRATCH = 1 << 16;
/**
 * Strings from this length on are written by one native UTF-8 write, shorter ones four characters
 * per store. Nothing to check afterwards (proto3 escapes nothing), so the native write pays sooner
 * than in the JSON encoder.
 */
const NATIVE_FROM = 32;
/** 2^32, for splitting a 64-bit number into its words. */
const TWO_32 = 4294967296;

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

/** A part made once, copied in one go. */
function putBytes(p: number, bytes: Uint8Array): number {
  const n = bytes.length;
  if (n === 0) return p;
  room(p, n);
  buf.set(bytes, p);
  return p + n;
}

function varintSize(n: number): number {
  if (n < 0x10000000) return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : 4;
  let size = 4;
  for (n = Math.floor(n / 0x10000000); n >= 1; n = Math.floor(n / 0x80)) size++;
  return size;
}

/** A non-negative integer below 2^53 as a varint at `p`; returns the end. */
function putVarint(p: number, n: number): number {
  const b = buf;
  if (n < 0x80) {
    b[p] = n;
    return p + 1;
  }
  if (n < 0x80000000) {
    while (n >= 0x80) {
      b[p++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    b[p] = n;
    return p + 1;
  }
  while (n >= 0x80) {
    b[p++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  b[p] = n;
  return p + 1;
}

/**
 * Ends a length-delimited part whose contents run from `lenAt + reserved` to `end`: writes their
 * length at `lenAt` in the `reserved` bytes left for it, moving the contents when the length
 * takes more or fewer. Returns the new end.
 */
function closeLength(lenAt: number, reserved: number, end: number): number {
  const at = lenAt + reserved;
  const len = end - at;
  const size = varintSize(len);
  if (size !== reserved) {
    room(end, size);
    buf.copyWithin(lenAt + size, at, end);
    end += size - reserved;
  }
  putVarint(lenAt, len);
  return end;
}

/** The same, for the usual one reserved byte. */
function close1(lenAt: number, end: number): number {
  const len = end - lenAt - 1;
  if (len < 0x80) {
    buf[lenAt] = len;
    return end;
  }
  return closeLength(lenAt, 1, end);
}

/** Writes `s` as UTF-8 at `p` (room made); returns the end. ASCII four characters per store, anything else natively. */
function putChars(p: number, s: string): number {
  const n = s.length;
  if (n >= NATIVE_FROM) return p + buf.write(s, p, 'utf8');
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
  const b = buf;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return p + buf.write(s, p, 'utf8');
    b[p + i] = c;
  }
  return p + n;
}

/** A string field: key, length, UTF-8 (the length guessed from the characters, fixed if they were not ASCII). */
function putString(p: number, key: number, s: string): number {
  const n = s.length;
  // At most 3 bytes per UTF-16 unit (a surrogate pair takes 4 for 2).
  room(p, n * 3 + 6);
  buf[p] = key;
  if (n < 0x80) return close1(p + 1, putChars(p + 2, s));
  const reserved = varintSize(n);
  return closeLength(p + 1, reserved, putChars(p + 1 + reserved, s));
}

/** A fixed64 value (a safe non-negative integer, else 0) as two little-endian words at `p`. */
function writeFixed64(v: DataView, p: number, n: number): void {
  if (!(n >= 0 && n <= Number.MAX_SAFE_INTEGER)) n = 0;
  v.setUint32(p, n >>> 0, true);
  v.setUint32(p + 4, (n / TWO_32) >>> 0, true);
}

/** Epoch microseconds or a duration as proto3 takes them: a positive integer, rounded, else 0 (absent). */
function wholeMicros(n: number): number {
  if (typeof n !== 'number' || !(n >= 0.5 && n <= Number.MAX_SAFE_INTEGER)) return 0;
  return Math.round(n);
}

/** `duration` (field 7) when it is a positive integer; nothing otherwise. */
function putDuration(p: number, duration: number): number {
  const d = duration >= 1 && duration <= Number.MAX_SAFE_INTEGER && Math.floor(duration) === duration ? duration : wholeMicros(duration);
  if (d === 0) return p;
  buf[p] = K_DURATION;
  return putVarint(p + 1, d);
}

// ---- IDs ----

/** Each hex digit's value (lowercase only, as Zipkin takes IDs), else -1. */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i++) HEX_VALUE[97 + i] = 10 + i;

/**
 * Writes the lowercase hex `id` as `bytes` bytes at `p`, right-aligned and zero-padded on the left
 * (as Zipkin pads a short ID). False, with garbage written, when it is not such hex of at most
 * `2 * bytes` digits.
 */
function writeHexId(p: number, id: string, bytes: number): boolean {
  const n = id.length;
  if (n === 0 || n > 2 * bytes) return false;
  const b = buf;
  // The full length, two digits a byte: the usual case.
  if (n === 2 * bytes) {
    let bad = 0;
    for (let i = 0; i < n; i += 2) {
      const c0 = id.charCodeAt(i);
      const c1 = id.charCodeAt(i + 1);
      const h = c0 < 128 ? HEX_VALUE[c0]! : -1;
      const l = c1 < 128 ? HEX_VALUE[c1]! : -1;
      bad |= h | l;
      b[p + (i >> 1)] = (h << 4) | l;
    }
    return bad >= 0;
  }
  b.fill(0, p, p + bytes);
  // From the right: digit pairs, the odd first digit alone.
  let at = p + bytes - 1;
  for (let i = n - 1; i >= 0; i -= 2, at--) {
    const c1 = id.charCodeAt(i);
    const l = c1 < 128 ? HEX_VALUE[c1]! : -1;
    let h = 0;
    if (i > 0) {
      const c0 = id.charCodeAt(i - 1);
      h = c0 < 128 ? HEX_VALUE[c0]! : -1;
    }
    if ((h | l) < 0) return false;
    b[at] = (h << 4) | l;
  }
  return true;
}

/** Bytes of a trace ID: 8 for up to 16 hex digits, 16 for up to 32. */
function traceIdBytes(traceId: string): number {
  return traceId.length <= 16 ? 8 : 16;
}

/**
 * `trace_id` and `parent_id` (absent when undefined or empty) at `p`; returns the end, or -1 when
 * either is not hex Zipkin takes.
 */
function putTraceAndParent(p: number, traceId: string, parentId: string | undefined): number {
  room(p, 40);
  const t = traceIdBytes(traceId);
  buf[p] = K_TRACE_ID;
  buf[p + 1] = t;
  if (!writeHexId(p + 2, traceId, t)) return -1;
  p += 2 + t;
  if (parentId !== undefined && parentId !== '') {
    buf[p] = K_PARENT_ID;
    buf[p + 1] = 8;
    if (!writeHexId(p + 2, parentId, 8)) return -1;
    p += 10;
  }
  return p;
}

/** `id` from its two 32-bit words, big-endian. */
function writeIdWords(v: DataView, p: number, high: number, low: number): void {
  v.setUint16(p, K_ID | (8 << 8), true);
  v.setUint32(p + 2, high, false);
  v.setUint32(p + 6, low, false);
}

// ---- Endpoints ----

/** The four bytes of a dotted IPv4 address at `p`; false when it is not one. */
function writeIpv4(p: number, s: string, from: number): boolean {
  const n = s.length;
  let part = 0;
  let digits = 0;
  let value = 0;
  const b = buf;
  for (let i = from; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || part > 3) return false;
      b[p + part++] = value;
      digits = 0;
      value = 0;
    } else if (c >= 0x30 && c <= 0x39 && digits < 3 && (digits === 0 || value !== 0)) {
      // No leading zero (node:net's rule, which the tracer's addresses passed).
      value = value * 10 + (c - 0x30);
      if (value > 255) return false;
      digits++;
    } else {
      return false;
    }
  }
  return part === 4;
}

/** The 16-bit groups of an IPv6 address being parsed. */
const GROUPS = new Uint16Array(8);

/** The sixteen bytes of a textual IPv6 address (`::`, an IPv4 tail) at `p`; false when it is not one. */
function writeIpv6(p: number, s: string): boolean {
  const n = s.length;
  if (n < 2 || n > 45) return false;
  const g = GROUPS;
  let count = 0;
  let gap = -1;
  let i = 0;
  if (s.charCodeAt(0) === 0x3a) {
    if (s.charCodeAt(1) !== 0x3a) return false;
    gap = 0;
    i = 2;
  }
  while (i < n) {
    let j = i;
    let value = 0;
    for (; j < n && j - i < 5; j++) {
      const c = s.charCodeAt(j);
      // Either case: an address is not an ID.
      const d = c < 128 ? HEX_VALUE[c >= 0x41 && c <= 0x46 ? c + 0x20 : c]! : -1;
      if (d < 0) break;
      value = value * 16 + d;
    }
    if (j < n && s.charCodeAt(j) === 0x2e) {
      // The last 32 bits as a dotted IPv4 address.
      if (count > 6 || !writeIpv4(p, s, i)) return false;
      g[count++] = (buf[p]! << 8) | buf[p + 1]!;
      g[count++] = (buf[p + 2]! << 8) | buf[p + 3]!;
      break;
    }
    if (j === i || j - i > 4 || count >= 8) return false;
    g[count++] = value;
    i = j;
    if (i === n) break;
    if (s.charCodeAt(i) !== 0x3a) return false;
    i++;
    if (i < n && s.charCodeAt(i) === 0x3a) {
      if (gap >= 0) return false;
      gap = count;
      i++;
    } else if (i === n) {
      return false;
    }
  }
  if (gap < 0) {
    if (count !== 8) return false;
  } else {
    // `::` stands for one group at least.
    if (count > 7) return false;
    const move = 8 - count;
    for (let k = count - 1; k >= gap; k--) g[k + move] = g[k]!;
    for (let k = gap; k < gap + move; k++) g[k] = 0;
  }
  const v = view;
  for (let k = 0; k < 8; k++) v.setUint16(p + 2 * k, g[k]!, false);
  return true;
}

/** An address field: 4 bytes when `s` is an IPv4 address, 16 when IPv6, nothing when neither. */
function putAddress(p: number, s: unknown): number {
  if (typeof s !== 'string') return p;
  buf[p] = K_IPV4;
  buf[p + 1] = 4;
  if (writeIpv4(p + 2, s, 0)) return p + 6;
  buf[p] = K_IPV6;
  buf[p + 1] = 16;
  if (writeIpv6(p + 2, s)) return p + 18;
  return p;
}

/** An endpoint under `key`: service name, address(es), port, those present and valid. */
function putEndpoint(p: number, key: number, e: Endpoint): number {
  const { serviceName, ipv4, ipv6, port } = e;
  room(p, 48);
  buf[p] = key;
  const lenAt = p + 1;
  p += 2;
  if (typeof serviceName === 'string' && serviceName !== '') p = putString(p, K_SERVICE_NAME, serviceName);
  room(p, 48);
  if (ipv4 !== undefined) p = putAddress(p, ipv4);
  if (ipv6 !== undefined) p = putAddress(p, ipv6);
  if (typeof port === 'number' && port >= 1 && port < 0x80000000 && Math.floor(port) === port) {
    buf[p] = K_PORT;
    p = putVarint(p + 1, port);
  }
  return close1(lenAt, p);
}

// ---- Annotations and tags ----

/** One annotation: its timestamp (fixed64) and value. */
function putAnnotation(p: number, timestamp: number, value: string): number {
  room(p, 12);
  const b = buf;
  b[p] = K_ANNOTATION;
  const lenAt = p + 1;
  b[p + 2] = K_ANNOTATION_TIMESTAMP;
  writeFixed64(view, p + 3, wholeMicros(timestamp));
  return close1(lenAt, putString(p + 11, K_ANNOTATION_VALUE, value));
}

/** The annotations, without repeats (Zipkin's model says they are unique items). */
function putAnnotations(p: number, events: readonly Annotation[]): number {
  const n = events.length;
  const seen = n > PAIRWISE_MAX ? new Set<string>() : undefined;
  for (let i = 0; i < n; i++) {
    if (isRepeat(events, i, seen)) continue;
    const a = events[i]!;
    p = putAnnotation(p, a.timestamp, a.value);
  }
  return p;
}

/** One map entry of `tags`. */
function putTag(p: number, key: string, value: string): number {
  room(p, 2);
  buf[p] = K_TAG;
  const lenAt = p + 1;
  return close1(lenAt, putString(putString(p + 2, K_TAG_KEY, key), K_TAG_VALUE, value));
}

/** The entries of `tags`, in `for…in` order as the JSON encoders write them. */
function putTags(p: number, tags: Readonly<Record<string, string>>): number {
  for (const key in tags) {
    const value = tags[key]!;
    p = putTag(p, key, typeof value === 'string' ? value : String(value));
  }
  return p;
}

// ---- Parts made once ----

/** The bytes `write` writes at the end of the scratch, as a part of their own (the scratch's end is not advanced). */
function made(p: number, write: (at: number) => number): Uint8Array {
  const end = write(p);
  return new Uint8Array(buf.subarray(p, end));
}

/** What every span of one tracer shares. */
interface CoreProto {
  readonly core: TracerCore;
  /** `debug`, `shared` and the local endpoint, indexed by debug (1) | shared (2). */
  readonly flagsLocal: readonly Uint8Array[];
  /** The entries of the default tags, or empty. */
  readonly defaultTags: Uint8Array;
}

const coreCache = new WeakMap<TracerCore, CoreProto>();
let lastCore: CoreProto | undefined;

function coreProto(p: number, core: TracerCore): CoreProto {
  if (lastCore !== undefined && lastCore.core === core) return lastCore;
  let c = coreCache.get(core);
  if (c === undefined) {
    const local = made(p, (at) => putEndpoint(at, K_LOCAL, core.endpoint));
    const flagsLocal = [0, 1, 2, 3].map((flags) =>
      made(p, (at) => {
        room(at, local.length + 4);
        if ((flags & 1) !== 0) {
          buf[at++] = K_DEBUG;
          buf[at++] = 1;
        }
        if ((flags & 2) !== 0) {
          buf[at++] = K_SHARED;
          buf[at++] = 1;
        }
        return putBytes(at, local);
      }),
    );
    const defaults = core.defaultTags;
    c = { core, flagsLocal, defaultTags: defaults === undefined ? new Uint8Array(0) : made(p, (at) => putTags(at, defaults)) };
    coreCache.set(core, c);
  }
  lastCore = c;
  return c;
}

/**
 * A shared site's spans: `head` is every field but the duration and what a span may have of its own,
 * for one trace ID; the trace ID (for a root site), ID and start are patched.
 */
interface SiteProto {
  readonly site: Site;
  /** Trace ID, parent ID, ID, kind, name, timestamp, flags, local endpoint. */
  head: Uint8Array;
  /** The head, then the site's remote endpoint and base tags: a span with nothing of its own. */
  plain: Uint8Array;
  /** The trace ID written in the templates, and its bytes (8 or 16). */
  templateTraceId: string;
  traceBytes: number;
  /** Where the ID field and the timestamp go in the templates. */
  idAt: number;
  timestampAt: number;
  /** The remote endpoint field of the site, or empty. */
  readonly remote: Uint8Array;
  /** The entries of the default and site tags, merged, or empty. */
  readonly baseTags: Uint8Array;
}

const siteCache = new WeakMap<Site, SiteProto>();
let lastSite: SiteProto | undefined;

/** The site's parts, or undefined when its IDs are not hex Zipkin takes (the span goes the generic way). */
function siteProto(p: number, span: RecordingSpan): SiteProto | undefined {
  const site = span.site;
  if (lastSite !== undefined && lastSite.site === site) return lastSite;
  let s = siteCache.get(site);
  if (s === undefined) {
    const core = site.core;
    const defaults = core.defaultTags;
    const siteTags = site.tags;
    const base = defaults === undefined ? siteTags : siteTags === undefined ? defaults : { ...defaults, ...siteTags };
    const remoteEndpoint = site.remoteEndpoint;
    s = {
      site,
      head: new Uint8Array(0),
      plain: new Uint8Array(0),
      templateTraceId: '',
      traceBytes: 0,
      idAt: 0,
      timestampAt: 0,
      remote: remoteEndpoint === undefined ? new Uint8Array(0) : made(p, (at) => putEndpoint(at, K_REMOTE, remoteEndpoint)),
      baseTags: base === undefined ? new Uint8Array(0) : made(p, (at) => putTags(at, base)),
    };
    if (!setTemplate(p, s, span)) return undefined;
    siteCache.set(site, s);
  }
  lastSite = s;
  return s;
}

/** Makes the site's templates for the span's trace ID; false when its IDs do not parse. */
function setTemplate(p: number, s: SiteProto, span: RecordingSpan): boolean {
  const site = s.site;
  const core = coreProto(p, site.core);
  let idAt = 0;
  let timestampAt = 0;
  let ok = true;
  const head = made(p, (start) => {
    let at = putTraceAndParent(start, span.traceId, site.parentId);
    if (at < 0) {
      ok = false;
      return start;
    }
    idAt = at - start;
    writeIdWords(view, at, 0, 0);
    at += 10;
    const kind = kindNumber(site.kind);
    if (kind !== 0) {
      buf[at++] = K_KIND;
      buf[at++] = kind;
    }
    if (site.name !== '') at = putString(at, K_NAME, site.name);
    room(at, 9);
    buf[at] = K_TIMESTAMP;
    timestampAt = at + 1 - start;
    writeFixed64(view, at + 1, 0);
    return putBytes(at + 9, core.flagsLocal[(span.debug ? 1 : 0) | (span.shared ? 2 : 0)]!);
  });
  if (!ok) return false;
  s.head = head;
  s.plain = made(p, (at) => putBytes(putBytes(putBytes(at, head), s.remote), s.baseTags));
  s.templateTraceId = span.traceId;
  s.traceBytes = traceIdBytes(span.traceId);
  s.idAt = idAt;
  s.timestampAt = timestampAt;
  return true;
}

/** The start of a recording span, epoch microseconds. */
function startOf(span: RecordingSpan): number {
  return span.startSeconds * 1e6 + span.startMicros;
}

/** A span of a shared site: its template, patched, then what it has of its own and its duration; -1 when its trace ID does not parse. */
function putSiteSpan(p: number, span: RecordingSpan): number {
  const s = siteProto(p, span);
  if (s === undefined) return -1;
  const traceId = span.traceId;
  if (traceId !== s.templateTraceId && traceIdBytes(traceId) !== s.traceBytes && !setTemplate(p, s, span)) return -1;
  const extra = span.extra;
  const template = extra === undefined ? s.plain : s.head;
  const n = template.length;
  room(p, n + 16);
  const start = p;
  let body: number;
  const duration = span.duration;
  const plainDuration = duration >= 1 && duration < 0x80000000 && Math.floor(duration) === duration;
  if (extra === undefined && plainDuration) {
    // Its length is known: the template and the duration.
    buf[p] = K_SPAN;
    body = putVarint(p + 1, n + 1 + varintSize(duration));
  } else {
    buf[p] = K_SPAN;
    body = p + 3;
  }
  buf.set(template, body);
  const v = view;
  if (traceId !== s.templateTraceId && !writeHexId(body + 2, traceId, s.traceBytes)) return -1;
  writeIdWords(v, body + s.idAt, span.idHigh, span.idLow);
  writeFixed64(v, body + s.timestampAt, startOf(span));
  p = body + n;
  if (extra === undefined && plainDuration) {
    buf[p] = K_DURATION;
    return putVarint(p + 1, duration);
  }
  if (extra !== undefined) p = putTail(p, extra, s.remote, undefined, s.baseTags, undefined);
  room(p, 12);
  return closeLength(start + 1, 2, putDuration(p, duration));
}

/**
 * What follows the local endpoint: the span's own remote endpoint or its site's (as bytes when
 * made, else `remoteEndpoint`), its annotations, the base tags (bytes and/or an object), its own tags.
 */
function putTail(
  p: number,
  extra: SpanExtra | undefined,
  siteRemote: Uint8Array | undefined,
  remoteEndpoint: Endpoint | undefined,
  baseBytes: Uint8Array | undefined,
  baseTags: Readonly<Record<string, string>> | undefined,
): number {
  const own = extra?.remote;
  if (own !== undefined) p = putEndpoint(p, K_REMOTE, own);
  else if (siteRemote !== undefined) p = putBytes(p, siteRemote);
  else if (remoteEndpoint !== undefined) p = putEndpoint(p, K_REMOTE, remoteEndpoint);
  const events = extra?.events;
  if (events !== undefined) p = putAnnotations(p, events);
  if (baseBytes !== undefined) p = putBytes(p, baseBytes);
  if (baseTags !== undefined) p = putTags(p, baseTags);
  // Later entries win: own tags over site tags over default tags, as the JSON encoders merge them.
  const tags = extra?.tags;
  if (tags !== undefined) p = putTags(p, tags);
  return p;
}

// Siblings share their trace and parent: the bytes of both, written for the first of a run of
// them, are copied for the next ones from where they are in this batch.
let prefixTraceId = '';
let prefixParentId: string | undefined = '';
let prefixStart = -1;
let prefixEnd = -1;

/** A span of a site of its own (startSpan's): its fields one by one. -1 when its IDs do not parse. */
function putOwnSiteSpan(p: number, span: RecordingSpan): number {
  const site = span.site;
  const traceId = span.traceId;
  const parentId = site.parentId;
  const start = p;
  room(p, 64);
  buf[p] = K_SPAN;
  p += 3;
  if (prefixStart >= 0 && traceId === prefixTraceId && parentId === prefixParentId) {
    buf.copyWithin(p, prefixStart, prefixEnd);
    p += prefixEnd - prefixStart;
  } else {
    const at = p;
    p = putTraceAndParent(p, traceId, parentId);
    if (p < 0) return -1;
    prefixTraceId = traceId;
    prefixParentId = parentId;
    prefixStart = at;
    prefixEnd = p;
  }
  const v = view;
  writeIdWords(v, p, span.idHigh, span.idLow);
  p += 10;
  const kind = kindNumber(site.kind);
  if (kind !== 0) {
    buf[p++] = K_KIND;
    buf[p++] = kind;
  }
  const name = site.name;
  if (name !== '') p = putString(p, K_NAME, name);
  room(p, 9);
  buf[p] = K_TIMESTAMP;
  writeFixed64(view, p + 1, startOf(span));
  const core = coreProto(p + 9, site.core);
  p = putBytes(p + 9, core.flagsLocal[(span.debug ? 1 : 0) | (span.shared ? 2 : 0)]!);
  p = putTail(p, span.extra, undefined, site.remoteEndpoint, core.defaultTags, site.tags);
  room(p, 12);
  p = putDuration(p, span.duration);
  const end = closeLength(start + 1, 2, p);
  // The span's bytes moved with its length: so did a prefix among them.
  if (prefixStart > start) {
    prefixStart += end - p;
    prefixEnd += end - p;
  }
  return end;
}

// ---- Records that are not the tracer's own ----

/** A span as `toZipkinSpan` gives it, every value made a primitive first (so no user code runs while writing). */
function putZipkinSpan(p: number, z: ZipkinSpan): number {
  const name = z.name === undefined ? '' : typeof z.name === 'string' ? z.name : String(z.name);
  const tags = z.tags;
  if (tags !== undefined) for (const key in tags) if (typeof tags[key] !== 'string') tags[key] = String(tags[key]);
  const annotations = z.annotations ?? [];
  const values = annotations.map((a) => (typeof a.value === 'string' ? a.value : String(a.value)));
  const start = p;
  room(p, 64);
  buf[p] = K_SPAN;
  p += 3;
  const traceId = typeof z.traceId === 'string' ? z.traceId : '';
  const parentId = typeof z.parentId === 'string' ? z.parentId : undefined;
  const id = typeof z.id === 'string' ? z.id : '';
  // IDs Zipkin would reject in JSON are left out, which it rejects too (a parent ID that does not
  // parse takes the trace ID with it: without both, the span would be taken as a root).
  const at = putTraceAndParent(p, traceId, parentId);
  if (at >= 0) p = at;
  buf[p] = K_ID;
  buf[p + 1] = 8;
  if (writeHexId(p + 2, id, 8)) p += 10;
  const kind = kindNumber(z.kind);
  if (kind !== 0) {
    buf[p++] = K_KIND;
    buf[p++] = kind;
  }
  if (name !== '') p = putString(p, K_NAME, name);
  room(p, 16);
  const timestamp = wholeMicros(z.timestamp ?? 0);
  if (timestamp !== 0) {
    buf[p] = K_TIMESTAMP;
    writeFixed64(view, p + 1, timestamp);
    p += 9;
  }
  p = putDuration(p, z.duration ?? 0);
  if (z.debug === true) {
    buf[p++] = K_DEBUG;
    buf[p++] = 1;
  }
  if (z.shared === true) {
    buf[p++] = K_SHARED;
    buf[p++] = 1;
  }
  if (z.localEndpoint !== undefined) p = putEndpoint(p, K_LOCAL, z.localEndpoint);
  if (z.remoteEndpoint !== undefined) p = putEndpoint(p, K_REMOTE, z.remoteEndpoint);
  for (let i = 0; i < annotations.length; i++) p = putAnnotation(p, annotations[i]!.timestamp, values[i]!);
  if (tags !== undefined) p = putTags(p, tags);
  return closeLength(start + 1, 2, p);
}

function putRecord(p: number, r: SpanRecord): number {
  if (r instanceof RecordingSpan) {
    const end = r.site.perCall ? putOwnSiteSpan(p, r) : putSiteSpan(p, r);
    if (end >= 0) return end;
  }
  // The getters (user code, for a foreign record) run before anything of the span is written.
  return putZipkinSpan(p, toZipkinSpan(r));
}

/** The bytes up to `end`, in a buffer of their own; the scratch is reused. */
function take(end: number): Buffer {
  const out = Buffer.allocUnsafe(end);
  buf.copy(out, 0, 0, end);
  if (buf.length > MAX_KEPT_SCRATCH) setScratch(Buffer.allocUnsafe(FIRST_SCRATCH));
  return out;
}

function encodeAll(records: readonly SpanRecord[]): Buffer {
  prefixStart = -1;
  let p = 0;
  for (let i = 0; i < records.length; i++) p = putRecord(p, records[i]!);
  return take(p);
}

// A foreign record's getters run inside an encode; one that encodes too gets a scratch of its own.
let busy = false;

function encodeNested(records: readonly SpanRecord[]): Buffer {
  const saved = { buf, prefixTraceId, prefixParentId, prefixStart, prefixEnd, lastSite, lastCore };
  setScratch(Buffer.allocUnsafe(FIRST_SCRATCH));
  try {
    return encodeAll(records);
  } finally {
    setScratch(saved.buf);
    ({ prefixTraceId, prefixParentId, prefixStart, prefixEnd, lastSite, lastCore } = saved);
  }
}

/**
 * Encodes a batch as Zipkin's proto3 `ListOfSpans` (zipkin.proto), what `POST /api/v2/spans`
 * takes with `content-type: application/x-protobuf`: the same spans, field for field, as
 * `encodeSpansBytes` writes in JSON (tags as a map whose later entries win; strings as UTF-8,
 * a lone surrogate as U+FFFD). An empty batch is zero bytes. The buffer is the caller's: later
 * calls do not touch it.
 * @throws whatever a getter of a record that is not the tracer's own throws (the tracer's never do).
 * @example await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: encodeSpansProto3(spans) })
 */
export function encodeSpansProto3(records: readonly SpanRecord[]): Buffer {
  if (busy) return encodeNested(records);
  busy = true;
  try {
    return encodeAll(records);
  } finally {
    busy = false;
    prefixStart = -1;
    // Between batches the encoder keeps no site or tracer reachable (only its weak caches).
    lastSite = undefined;
    lastCore = undefined;
  }
}

/**
 * Splits a `ListOfSpans` of `count` spans into two at a span boundary: the first `count >> 1`
 * spans, their count, and the rest (subarrays of `body`: a ListOfSpans is its spans one after the
 * other). What the HTTP sink's bisect on a 400 uses, as `splitJsonArray` is for JSON.
 * @returns undefined when `count` is below 2 or `body` is not `count` spans, each a field 1.
 * @example const halves = splitProto3Spans(body, 100); // [first 50 spans, 50, last 50 spans]
 */
export function splitProto3Spans(body: Uint8Array, count: number): [Uint8Array, number, Uint8Array] | undefined {
  if (!(count >= 2)) return undefined;
  const half = count >> 1;
  const n = body.length;
  let p = 0;
  let spans = 0;
  let cut = -1;
  while (p < n) {
    if (body[p++] !== K_SPAN) return undefined;
    let len = 0;
    let shift = 0;
    for (;;) {
      if (p >= n || shift > 28) return undefined;
      const b = body[p++]!;
      len += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) break;
    }
    p += len;
    if (p > n) return undefined;
    if (++spans === half) cut = p;
  }
  if (spans !== count || cut < 0) return undefined;
  return [body.subarray(0, cut), half, body.subarray(cut)];
}
