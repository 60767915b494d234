import type { Endpoint } from '../model/endpoint.js';
import type { ZipkinSpan } from '../model/zipkin-span.js';
import { RecordingSpan, type Site } from '../record/span.js';
import type { Annotation, SpanRecord } from '../model/span-record.js';

// Characters that JSON needs escaped, plus surrogates (JSON.stringify escapes lone ones).
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A JSON string literal for `s`; the common case is a plain concatenation. */
export function jsonString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : '"' + s + '"';
}

/**
 * Decimal text of an integer count of epoch microseconds. Such a number is past the small-integer
 * range, and V8 turns it into text through its slow double path (several times the cost of the
 * rest of the span); as seconds and a zero-padded remainder both halves take the fast path.
 */
export function microsText(n: number): string {
  if (n < 1e9) return '' + n;
  const seconds = Math.floor(n / 1e6);
  const micros = n - seconds * 1e6;
  const millis = Math.floor(micros / 1000);
  return seconds + DIGITS3[millis]! + DIGITS3[micros - millis * 1000]!;
}

/** '000' to '999': the sub-second part of a timestamp is two look-ups, not a number made text. */
const DIGITS3: string[] = [];
for (let i = 0; i < 1000; i++) DIGITS3.push(String(i).padStart(3, '0'));

function endpointJson(e: Endpoint): string {
  let out = '';
  if (e.serviceName !== undefined) out += ',"serviceName":' + jsonString(e.serviceName);
  if (e.ipv4 !== undefined) out += ',"ipv4":"' + e.ipv4 + '"';
  if (e.ipv6 !== undefined) out += ',"ipv6":"' + e.ipv6 + '"';
  if (e.port !== undefined) out += ',"port":' + e.port;
  return '{' + out.slice(1) + '}';
}

/** The members `"key":"value"` of `tags`, comma separated, without braces. */
export function tagsJson(tags: Readonly<Record<string, string>>): string {
  let out = '';
  for (const key in tags) out += ',' + jsonString(key) + ':' + jsonString(tags[key]!);
  return out.slice(1);
}

/** What every span of one site encodes the same way: computed once per site, not per span. */
export interface SiteJson {
  /** `"kind":…,"name":…` (leading comma included). */
  readonly head: string;
  /** `,"debug":true` and `,"shared":true` as the site's flags say, then `,"localEndpoint":{…}`. */
  readonly flagsLocal: string;
  /** `,"remoteEndpoint":{…}` or ''. */
  readonly remote: string;
  /** Default tags and the site's tags, merged. */
  readonly baseTags: Readonly<Record<string, string>> | undefined;
  /** Their JSON members, without braces, or ''. */
  readonly baseTagsJson: string;
  /** What follows the local endpoint in a span that has no remote, annotations or tags of its own. */
  readonly plainTail: string;
}

const siteCache = new WeakMap<Site, SiteJson>();
/** A tracer's local endpoint as JSON: the same for all its sites, made once. */
const localCache = new WeakMap<object, string>();

/** `,"localEndpoint":{…}` of a tracer. */
export function localJson(core: RecordingSpan['core']): string {
  let json = localCache.get(core);
  if (json === undefined) {
    json = ',"localEndpoint":' + endpointJson(core.endpoint);
    localCache.set(core, json);
  }
  return json;
}

/**
 * The site's shared JSON parts, made on its first encoded span and kept for the next ones. A site
 * of one span (startSpan's) is not kept: nothing would reuse it.
 */
export function siteJson(span: RecordingSpan): SiteJson {
  const cached = siteCache.get(span.site);
  if (cached !== undefined) return cached;
  const { site, core } = span;
  let head = '';
  if (site.kind !== undefined) head += ',"kind":"' + site.kind + '"';
  if (site.name !== '') head += ',"name":' + jsonString(site.name);
  const baseTags =
    core.defaultTags === undefined ? site.tags : site.tags === undefined ? core.defaultTags : { ...core.defaultTags, ...site.tags };
  const remote = site.remoteEndpoint === undefined ? '' : ',"remoteEndpoint":' + endpointJson(site.remoteEndpoint);
  const baseTagsJson = baseTags === undefined ? '' : tagsJson(baseTags);
  const made: SiteJson = {
    head,
    flagsLocal: (span.debug ? ',"debug":true' : '') + (span.shared ? ',"shared":true' : '') + localJson(core),
    remote,
    baseTags,
    baseTagsJson,
    plainTail: remote + (baseTagsJson === '' ? '' : ',"tags":{' + baseTagsJson + '}'),
  };
  if (!site.perCall) siteCache.set(site, made);
  return made;
}

function annotationsJson(events: readonly Annotation[]): string {
  let out = '';
  let seen: Set<string> | undefined;
  for (const a of events) {
    if (events.length > 1) {
      // Zipkin's model says annotations are unique items.
      const key = a.timestamp + ' ' + a.value;
      seen ??= new Set();
      if (seen.has(key)) continue;
      seen.add(key);
    }
    out += ',{"timestamp":' + microsText(a.timestamp) + ',"value":' + jsonString(a.value) + '}';
  }
  return '[' + out.slice(1) + ']';
}

/** What follows the local endpoint: the site's plain tail, or the span's own remote, annotations and tags. */
export function tailJson(span: RecordingSpan, s: SiteJson): string {
  const extra = span.extra;
  if (extra === undefined) return s.plainTail;
  let out = extra.remote === undefined ? s.remote : ',"remoteEndpoint":' + endpointJson(extra.remote);
  if (extra.events !== undefined) out += ',"annotations":' + annotationsJson(extra.events);
  const own = extra.tags;
  if (own === undefined) {
    if (s.baseTagsJson !== '') out += ',"tags":{' + s.baseTagsJson + '}';
  } else if (s.baseTags === undefined) {
    out += ',"tags":{' + tagsJson(own) + '}';
  } else {
    let overlaps = false;
    for (const key in own) {
      if (key in s.baseTags) {
        overlaps = true;
        break;
      }
    }
    const ownJson = overlaps ? '' : tagsJson(own);
    // Either part may be empty: a bare comma would make the whole batch invalid JSON.
    out += ',"tags":{' + (overlaps ? tagsJson({ ...s.baseTags, ...own }) : s.baseTagsJson === '' ? ownJson : ownJson === '' ? s.baseTagsJson : s.baseTagsJson + ',' + ownJson) + '}';
  }
  return out;
}

// Siblings share their trace and parent: the text up to the span's own ID is made once for a run of them.
let lastTraceId = '';
let lastParentId: string | undefined = '';
let lastPrefix = '';

/** `{"traceId":…,"parentId":…,"id":"`: the text before a span's own ID. */
function prefixJson(traceId: string, parentId: string | undefined): string {
  if (traceId !== lastTraceId || parentId !== lastParentId) {
    lastTraceId = traceId;
    lastParentId = parentId;
    lastPrefix = '{"traceId":"' + traceId + (parentId === undefined ? '"' : '","parentId":"' + parentId + '"') + ',"id":"';
  }
  return lastPrefix;
}

function recordingSpanJson(span: RecordingSpan): string {
  const s = siteJson(span);
  return (
    prefixJson(span.traceId, span.parentId) + span.id + '"' + s.head + ',"timestamp":' + microsText(span.timestamp) +
    ',"duration":' + span.duration + s.flagsLocal + tailJson(span, s) + '}'
  );
}

/** A span of any kind as JSON: the fast path for the tracer's own records, the plain object for others. */
export function recordJson(r: SpanRecord): string {
  return r instanceof RecordingSpan ? recordingSpanJson(r) : JSON.stringify(toZipkinSpan(r));
}

/**
 * Encodes one span as a line of Zipkin v2 JSON.
 * @throws whatever a getter of a record that is not the tracer's own throws (the tracer's never do).
 * @example fs.appendFileSync(file, encodeSpan(span) + '\n')
 */
export function encodeSpan(record: SpanRecord): string {
  return recordJson(record);
}

/**
 * Encodes a batch as the JSON array that `POST /api/v2/spans` takes. Built by hand over the compact
 * records: no `JSON.stringify` per span, and strings escaped only when they need it. A sink that
 * sends bytes should use `encodeSpansBytes`: the same JSON, without the text in between.
 * @throws whatever a getter of a record that is not the tracer's own throws (the tracer's never do).
 * @example const body = encodeSpans(spans); // '[{"traceId":…},…]'
 */
export function encodeSpans(records: readonly SpanRecord[]): string {
  let out = '[';
  for (let i = 0; i < records.length; i++) {
    if (i > 0) out += ',';
    out += recordJson(records[i]!);
  }
  return out + ']';
}

/**
 * Encodes a batch as NDJSON: one span per line, each line ending with `\n`.
 * @throws whatever a getter of a record that is not the tracer's own throws (the tracer's never do).
 * @example process.stdout.write(encodeNdjson(spans))
 */
export function encodeNdjson(records: readonly SpanRecord[]): string {
  let out = '';
  for (let i = 0; i < records.length; i++) out += recordJson(records[i]!) + '\n';
  return out;
}

/**
 * A finished span as a plain Zipkin v2 object (what `memorySink().spans` holds).
 * @throws whatever a getter of a record that is not the tracer's own throws (the tracer's never do).
 * @example assert.equal(toZipkinSpan(record).name, 'get fragment')
 */
export function toZipkinSpan(r: SpanRecord): ZipkinSpan {
  const out: ZipkinSpan = { traceId: r.traceId, id: r.id };
  if (r.parentId !== undefined) out.parentId = r.parentId;
  if (r.kind !== undefined) out.kind = r.kind;
  if (r.name !== '') out.name = r.name;
  out.timestamp = r.timestamp;
  out.duration = r.duration;
  if (r.debug) out.debug = true;
  if (r.shared) out.shared = true;
  out.localEndpoint = { ...r.localEndpoint };
  if (r.remoteEndpoint !== undefined) out.remoteEndpoint = { ...r.remoteEndpoint };
  const annotations = r.annotations;
  if (annotations.length > 0) {
    const seen = new Set<string>();
    out.annotations = [];
    for (const a of annotations) {
      const key = a.timestamp + ' ' + a.value;
      if (!seen.has(key)) {
        seen.add(key);
        out.annotations.push({ timestamp: a.timestamp, value: a.value });
      }
    }
  }
  const tags = r.tags;
  if (Object.keys(tags).length > 0) out.tags = { ...tags };
  return out;
}
