// The floor of the encode benchmark (benchmarks/encode.mjs): the same Zipkin JSON v2 bytes as
// `encodeSpansBytes` for the benchmark's records, written by hand the simplest fast way, with no
// generality. It reads the tracer's compact records (`RecordingSpan`) directly and writes every
// byte of every span into one buffer: constant keys as four-byte stores of words made once,
// strings four characters per store, or one latin1 write when long, with no check (its strings are
// printable ASCII without quotes or backslashes), numbers two digits per store. No escaping, no duplicate-annotation check, no
// tag merge (site and span tags never share a key here), no per-site template, no fallback for odd
// numbers, no growing buffer. It is a reference for what one span's bytes cost at least, not an
// encoder: the benchmark checks that it writes exactly the bytes `encodeSpansBytes` writes before
// it times it.

const buf = Buffer.allocUnsafe(1 << 21);
const view = new DataView(buf.buffer, buf.byteOffset, buf.length);

/** A constant as little-endian words, its length last: written whole words at a time (a store may run up to 3 bytes past; the next write covers them). */
export function words(text) {
  const n = Math.ceil(text.length / 4);
  const w = new Int32Array(n + 1);
  for (let i = 0; i < text.length; i++) w[i >> 2] |= text.charCodeAt(i) << ((i & 3) * 8);
  w[n] = text.length;
  return w;
}
const K_TRACE = words('{"traceId":"');
const K_PARENT = words('","parentId":"');
const K_ID = words('","id":"');
const K_KIND = words('","kind":"');
const K_NAME = words('","name":"');
const K_TIMESTAMP = words('","timestamp":');
const K_DURATION = words(',"duration":');
const K_SHARED = words(',"shared":true');
const K_LOCAL = words(',"localEndpoint":{');
const K_REMOTE = words(',"remoteEndpoint":{');
const K_SERVICE = words('"serviceName":"');
const K_IPV4 = words('"ipv4":"');
const K_PORT = words('"port":');
const K_ANNOTATIONS = words(',"annotations":[{"timestamp":');
const K_NEXT_ANNOTATION = words('},{"timestamp":');
const K_VALUE = words(',"value":"');
const K_TAGS = words(',"tags":{"');
const K_TAG_SEP = words('":"');
const K_NEXT_TAG = words('","');

const HEX_PAIRS = new Uint16Array(256);
const DIGIT_PAIRS = new Uint16Array(100);
for (let i = 0; i < 256; i++) HEX_PAIRS[i] = '0123456789abcdef'.charCodeAt(i >> 4) | ('0123456789abcdef'.charCodeAt(i & 15) << 8);
for (let i = 0; i < 100; i++) DIGIT_PAIRS[i] = (48 + ((i / 10) | 0)) | ((48 + (i % 10)) << 8);

// Every writer takes the view and the position and returns the new position.

export function put(v, p, w) {
  const n = w.length - 1;
  for (let i = 0; i < n; i++) v.setInt32(p + 4 * i, w[i], true);
  return p + w[n];
}

/** Short strings four characters per store; from 36 characters on, one native latin1 write is quicker. `b` is the buffer under `v`. */
export function ascii(v, p, s, b = buf) {
  const n = s.length;
  if (n >= 36) return p + b.latin1Write(s, p);
  let i = 0;
  for (; i + 4 <= n; i += 4) v.setInt32(p + i, s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24), true);
  for (; i < n; i++) v.setUint8(p + i, s.charCodeAt(i));
  return p + n;
}

/** Exactly `width` digits of `n` (< 2^31), two per store. */
export function padded(v, p, n, width) {
  let at = p + width;
  while (at - p >= 2) {
    const q = (n / 100) | 0;
    at -= 2;
    v.setUint16(at, DIGIT_PAIRS[n - q * 100], true);
    n = q;
  }
  if (at > p) v.setUint8(p, 48 + n);
  return p + width;
}

/** Decimal digits of a non-negative integer below 10^8. */
export function uint(v, p, n) {
  return padded(v, p, n, n < 100 ? (n < 10 ? 1 : 2) : n < 1e4 ? (n < 1e3 ? 3 : 4) : n < 1e6 ? (n < 1e5 ? 5 : 6) : n < 1e7 ? 7 : 8);
}

/** Epoch microseconds of this century and the next two: ten digits of seconds, six of microseconds. */
export function micros(v, p, n) {
  // Whole seconds stay below 2^31 until 2038: both halves are small integers (no number boxed per call).
  const s = (n / 1e6) | 0;
  return padded(v, padded(v, p, s, 10), (n - s * 1e6) | 0, 6);
}

export function hexWord(v, p, w) {
  v.setInt32(p, HEX_PAIRS[w >>> 24] | (HEX_PAIRS[(w >>> 16) & 255] << 16), true);
  v.setInt32(p + 4, HEX_PAIRS[(w >>> 8) & 255] | (HEX_PAIRS[w & 255] << 16), true);
  return p + 8;
}

function endpoint(v, p, e) {
  let first = true;
  if (e.serviceName !== undefined) {
    p = ascii(v, put(v, p, K_SERVICE), e.serviceName);
    v.setUint8(p++, 0x22);
    first = false;
  }
  if (e.ipv4 !== undefined) {
    if (!first) v.setUint8(p++, 0x2c);
    p = ascii(v, put(v, p, K_IPV4), e.ipv4);
    v.setUint8(p++, 0x22);
    first = false;
  }
  if (e.port !== undefined) {
    if (!first) v.setUint8(p++, 0x2c);
    p = uint(v, put(v, p, K_PORT), e.port);
  }
  v.setUint8(p++, 0x7d);
  return p;
}

function tags(v, p, t, first) {
  for (const key in t) {
    p = first ? put(v, p, K_TAGS) : put(v, p, K_NEXT_TAG);
    first = false;
    p = ascii(v, put(v, ascii(v, p, key), K_TAG_SEP), t[key]);
  }
  return p;
}

function span(v, p, r) {
  const site = r.site;
  p = ascii(v, put(v, p, K_TRACE), r.traceId);
  if (site.parentId !== undefined) p = ascii(v, put(v, p, K_PARENT), site.parentId);
  p = hexWord(v, hexWord(v, put(v, p, K_ID), r.idHigh), r.idLow);
  if (site.kind !== undefined) p = ascii(v, put(v, p, K_KIND), site.kind);
  p = ascii(v, put(v, p, K_NAME), site.name);
  p = padded(v, padded(v, put(v, p, K_TIMESTAMP), r.startSeconds, 10), r.startMicros, 6);
  p = uint(v, put(v, p, K_DURATION), r.duration);
  if ((site.flags & 2) !== 0) p = put(v, p, K_SHARED);
  p = endpoint(v, put(v, p, K_LOCAL), site.core.endpoint);
  const extra = r.extra;
  const remote = extra?.remote ?? site.remoteEndpoint;
  if (remote !== undefined) p = endpoint(v, put(v, p, K_REMOTE), remote);
  const events = extra?.events;
  if (events !== undefined) {
    for (let i = 0; i < events.length; i++) {
      p = micros(v, put(v, p, i === 0 ? K_ANNOTATIONS : K_NEXT_ANNOTATION), events[i].timestamp);
      p = ascii(v, put(v, p, K_VALUE), events[i].value);
      v.setUint8(p++, 0x22);
    }
    v.setUint16(p, 0x5d7d, true); // }]
    p += 2;
  }
  const siteTags = site.tags;
  const own = extra?.tags;
  if (siteTags !== undefined || own !== undefined) {
    if (siteTags !== undefined) p = tags(v, p, siteTags, true);
    if (own !== undefined) p = tags(v, p, own, siteTags === undefined);
    v.setUint16(p, 0x7d22, true); // "}
    p += 2;
  }
  v.setUint8(p++, 0x7d);
  return p;
}

/** The batch as the JSON array `encodeSpansBytes` writes, in a buffer of its own. Its scratch holds a benchmark batch (2 MB); it does not grow. */
export function encodeFloor(records) {
  const v = view;
  let p = 0;
  v.setUint8(p++, 0x5b);
  for (let i = 0; i < records.length; i++) {
    if (i > 0) v.setUint8(p++, 0x2c);
    p = span(v, p, records[i]);
  }
  v.setUint8(p++, 0x5d);
  const out = Buffer.allocUnsafe(p);
  buf.copy(out, 0, 0, p);
  return out;
}
