import { encodeNdjson, encodeSpans, recordJson, siteJson, tailJson } from './encode.js';
import { RecordingSpan, type Site, type SpanRecord, type TracerCore } from './span.js';

/**
 * The same JSON as `encodeSpans` and `encodeNdjson`, written straight into bytes. A sink sends
 * bytes: text built by appending is a rope that must be flattened and then converted, which cost
 * more than the rest of a span's encoding together. The tracer's own records are written by hand
 * from their compact fields (IDs from their 32-bit words, times from their integer parts); what
 * only some spans have (their own remote endpoint, annotations, tags) goes through the text encoder.
 */

/** A site's shared parts as UTF-8. */
interface SiteBytes {
  readonly site: Site;
  readonly core: TracerCore;
  /** `"` closing the ID, then kind and name, then `,"timestamp":`. */
  readonly head: Uint8Array;
  /** Flags and the local endpoint: what precedes a span's own remote endpoint, annotations and tags. */
  readonly flagsLocal: Uint8Array;
  /** Everything after the duration for a span with nothing of its own, closing brace included. */
  readonly plainTail: Uint8Array;
}

const encoder = new TextEncoder();
const siteCache = new WeakMap<Site, SiteBytes>();
let lastSite: SiteBytes | undefined;

function siteBytes(span: RecordingSpan): SiteBytes {
  const site = span.site;
  const core = site.core;
  if (lastSite !== undefined && lastSite.site === site && lastSite.core === core) return lastSite;
  let made = siteCache.get(site);
  if (made === undefined || made.core !== core) {
    const s = siteJson(span);
    made = {
      site,
      core,
      head: encoder.encode('"' + s.head + ',"timestamp":'),
      flagsLocal: encoder.encode(s.flagsLocal),
      plainTail: encoder.encode(s.flagsLocal + s.plainTail + '}'),
    };
    siteCache.set(site, made);
  }
  lastSite = made;
  return made;
}

const DURATION = encoder.encode(',"duration":');
const HEX = encoder.encode('0123456789abcdef');
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const NEWLINE = 0x0a;

/** Room kept for what the hand-written part of one span can add, beyond its site's parts. */
const SPAN_SLACK = 128;
/** A scratch buffer past this size is not kept between batches. */
const MAX_KEPT_SCRATCH = 1 << 20;

let buf = Buffer.allocUnsafe(1 << 16);
let pos = 0;

function ensure(n: number): void {
  if (pos + n <= buf.length) return;
  const next = Buffer.allocUnsafe(Math.max(buf.length * 2, pos + n));
  buf.copy(next, 0, 0, pos);
  buf = next;
}

function put(bytes: Uint8Array): void {
  ensure(bytes.length);
  buf.set(bytes, pos);
  pos += bytes.length;
}

function putText(text: string): void {
  ensure(text.length * 3);
  pos += buf.write(text, pos, 'utf8');
}

/** Decimal digits of a non-negative integer below 2^53. */
function putUint(n: number): void {
  if (n >= 1e9) {
    const high = Math.floor(n / 1e9);
    putUint(high);
    putPadded(n - high * 1e9, 9);
    return;
  }
  let digits = 1;
  for (let m = n; m >= 10; m = (m / 10) | 0) digits++;
  putPadded(n, digits);
}

/** Exactly `width` decimal digits of `n` (< 10^width, < 2^31), zero-padded. */
function putPadded(n: number, width: number): void {
  const b = buf;
  let p = pos + width;
  pos = p;
  for (let i = 0; i < width; i++) {
    const q = (n / 10) | 0;
    b[--p] = 48 + n - q * 10;
    n = q;
  }
}

function putWordHex(w: number): void {
  const b = buf;
  const p = pos;
  b[p] = HEX[(w >>> 28) & 15]!;
  b[p + 1] = HEX[(w >>> 24) & 15]!;
  b[p + 2] = HEX[(w >>> 20) & 15]!;
  b[p + 3] = HEX[(w >>> 16) & 15]!;
  b[p + 4] = HEX[(w >>> 12) & 15]!;
  b[p + 5] = HEX[(w >>> 8) & 15]!;
  b[p + 6] = HEX[(w >>> 4) & 15]!;
  b[p + 7] = HEX[w & 15]!;
  pos = p + 8;
}

// Siblings share their trace and parent: the bytes up to a span's own ID are made once for a run of them.
let lastTraceId = '';
let lastParentId: string | undefined = '';
let lastPrefix = new Uint8Array(0);

function putRecordingSpan(span: RecordingSpan): void {
  const site = siteBytes(span);
  const traceId = span.traceId;
  const parentId = span.site.parentId;
  if (traceId !== lastTraceId || parentId !== lastParentId) {
    lastTraceId = traceId;
    lastParentId = parentId;
    lastPrefix = encoder.encode('{"traceId":"' + traceId + (parentId === undefined ? '"' : '","parentId":"' + parentId + '"') + ',"id":"');
  }
  put(lastPrefix);
  ensure(SPAN_SLACK);
  putWordHex(span.idHigh);
  putWordHex(span.idLow);
  put(site.head);
  ensure(SPAN_SLACK);
  // The same text as microsText: whole seconds, then six digits of microseconds.
  const seconds = span.startSeconds;
  if (seconds >= 1000) {
    putUint(seconds);
    putPadded(span.startMicros, 6);
  } else {
    putUint(seconds * 1e6 + span.startMicros);
  }
  put(DURATION);
  putUint(span.duration);
  if (span.extra === undefined) {
    put(site.plainTail);
  } else {
    put(site.flagsLocal);
    putText(tailJson(span, siteJson(span)) + '}');
  }
}

function putRecord(r: SpanRecord): void {
  if (r instanceof RecordingSpan) putRecordingSpan(r);
  else putText(recordJson(r));
}

/** The bytes written since `pos` was reset, in a buffer of their own; the scratch is reused. */
function take(): Buffer {
  const out = Buffer.allocUnsafe(pos);
  buf.copy(out, 0, 0, pos);
  if (buf.length > MAX_KEPT_SCRATCH) buf = Buffer.allocUnsafe(1 << 16);
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
 * @example await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: encodeSpansBytes(spans) })
 */
export function encodeSpansBytes(records: readonly SpanRecord[]): Buffer {
  return encode(records, false);
}

/**
 * Encodes a batch as NDJSON bytes, one span per line, each line ending with `\n`: the same bytes as
 * `Buffer.from(encodeNdjson(records))`. The buffer is the caller's: later calls do not touch it.
 * @example fs.appendFileSync(file, encodeNdjsonBytes(spans))
 */
export function encodeNdjsonBytes(records: readonly SpanRecord[]): Buffer {
  return encode(records, true);
}
