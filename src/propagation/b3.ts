/**
 * B3 propagation (https://github.com/openzipkin/b3-propagation): read and write the `b3`
 * single header and the `X-B3-*` multiple headers.
 *
 * Extraction is strict about what the spec defines (lowercase hex, exact lengths, no empty
 * fields) and never throws: incoming headers are untrusted input, so anything malformed yields
 * `undefined` and is counted (see {@link b3Stats}, {@link onMalformedB3}) instead.
 *
 * @module
 */
import { isValidSpanId, isValidTraceId, SPAN_ID_RULE, TRACE_ID_RULE } from '../model/ids.js';
import type { ExtractedContext, SamplingOnlyContext, SpanContext } from '../model/span-context.js';
import { decodeBytes, type Carrier } from './carrier.js';

/**
 * Anything headers can arrive in: a WHATWG `Headers`, a `Map`, Node's `IncomingHttpHeaders`, a
 * plain object, or message headers with `Buffer`/`Uint8Array` values. Names match
 * case-insensitively; for an array value the first element wins.
 *
 * @example
 * extractB3(req.headers);                      // node:http
 * extractB3(new Headers({ b3: '0' }));         // fetch
 * extractB3(new Map([['X-B3-Sampled', '1']]));
 * extractB3({ b3: Buffer.from('1') });         // a Kafka message's headers
 */
export type HeadersLike = Carrier;

/**
 * Longest header value we look at. A valid `b3` is at most 68 characters; the slack leaves room
 * for a comma-joined repeat of the header while keeping huge values O(1) to reject.
 */
const MAX_VALUE_LENGTH = 512;

const B3 = 'b3';
const TRACE_ID = 'x-b3-traceid';
const SPAN_ID = 'x-b3-spanid';
const PARENT_ID = 'x-b3-parentspanid';
const SAMPLED = 'x-b3-sampled';
const FLAGS = 'x-b3-flags';

// ---------------------------------------------------------------------------------------------
// Observability

let extractedCount = 0;
let sampledOnlyCount = 0;
let malformedCount = 0;
let lastMalformed: string | undefined;
// One record per subscription, so subscribing the same function twice unsubscribes independently.
const listeners = new Set<{ readonly fn: (reason: string) => void }>();

/**
 * Counters since the process started, for metrics and health pages.
 *
 * - `extracted`: full contexts (trace and span IDs) returned by {@link extractB3}.
 * - `sampledOnly`: sampling decisions sent without IDs (`b3: 0`, `X-B3-Sampled: 1` alone, ...).
 * - `malformed`: calls that found B3 headers but rejected them.
 * - `lastMalformed`: why the last rejection happened. It names the header and the rule broken,
 *   never the value: that is untrusted, possibly huge, possibly full of control characters.
 *
 * Calls with no B3 headers at all count nowhere.
 *
 * @example
 * const { malformed, lastMalformed } = b3Stats();
 * if (malformed > 0) log.warn(`bad B3 headers seen; last: ${lastMalformed}`);
 */
export function b3Stats(): {
  extracted: number;
  sampledOnly: number;
  malformed: number;
  lastMalformed?: string;
} {
  const stats: { extracted: number; sampledOnly: number; malformed: number; lastMalformed?: string } = {
    extracted: extractedCount,
    sampledOnly: sampledOnlyCount,
    malformed: malformedCount,
  };
  if (lastMalformed !== undefined) stats.lastMalformed = lastMalformed;
  return stats;
}

/**
 * Calls `listener` with a short reason (same form as `b3Stats().lastMalformed`, never the raw
 * value) each time {@link extractB3} rejects headers. Listeners run synchronously; one that
 * throws is ignored so it cannot break extraction.
 *
 * @returns A function that removes this subscription.
 * @example
 * const off = onMalformedB3((reason) => log.debug(reason));
 * // later
 * off();
 */
export function onMalformedB3(listener: (reason: string) => void): () => void {
  const subscription = { fn: listener };
  listeners.add(subscription);
  return () => {
    listeners.delete(subscription);
  };
}

function malformed(reason: string): undefined {
  malformedCount++;
  lastMalformed = reason;
  for (const { fn } of listeners) {
    try {
      fn(reason);
    } catch {
      // A faulty listener must not turn bad input into a failed request.
    }
  }
  return undefined;
}

function samplingOnly(sampled: boolean, debug: boolean): SamplingOnlyContext {
  sampledOnlyCount++;
  return { sampled, debug, shared: false };
}

function full(
  traceId: string,
  spanId: string,
  parentId: string | undefined,
  sampled: boolean | undefined,
  debug: boolean,
): SpanContext {
  extractedCount++;
  return parentId === undefined
    ? { traceId, spanId, sampled, debug, shared: false }
    : { traceId, spanId, parentId, sampled, debug, shared: false };
}

// ---------------------------------------------------------------------------------------------
// Reading header values

/** Raw values of the six B3 headers, as found (before normalisation). */
interface RawB3 {
  b3: unknown;
  traceId: unknown;
  spanId: unknown;
  parentId: unknown;
  sampled: unknown;
  flags: unknown;
}

function emptyRaw(): RawB3 {
  return {
    b3: undefined,
    traceId: undefined,
    spanId: undefined,
    parentId: undefined,
    sampled: undefined,
    flags: undefined,
  };
}

/** Files `value` under `key` if `key` is a B3 header name in any case; first value wins. */
function collect(raw: RawB3, key: unknown, value: unknown): void {
  if (typeof key !== 'string' || value === undefined || value === null) return;
  const n = key.length;
  // Only lowercase keys of a B3 name's length: cheap on large header sets.
  if (n !== 2 && n !== 10 && n !== 11 && n !== 12 && n !== 17) return;
  switch (key.toLowerCase()) {
    case B3:
      if (raw.b3 === undefined) raw.b3 = value;
      break;
    case TRACE_ID:
      if (raw.traceId === undefined) raw.traceId = value;
      break;
    case SPAN_ID:
      if (raw.spanId === undefined) raw.spanId = value;
      break;
    case PARENT_ID:
      if (raw.parentId === undefined) raw.parentId = value;
      break;
    case SAMPLED:
      if (raw.sampled === undefined) raw.sampled = value;
      break;
    case FLAGS:
      if (raw.flags === undefined) raw.flags = value;
      break;
  }
}

function readHeaders(headers: object): RawB3 {
  const raw = emptyRaw();
  if (headers instanceof Map) {
    for (const [key, value] of headers) collect(raw, key, value);
    return raw;
  }
  const get = (headers as { get?: unknown }).get;
  if (typeof get === 'function') {
    // WHATWG Headers (or a look-alike): get() is already case-insensitive and joins repeats.
    const read = (name: string): unknown => get.call(headers, name) as unknown;
    raw.b3 = read(B3);
    if (raw.b3 === null || raw.b3 === undefined) {
      raw.b3 = undefined;
      raw.traceId = read(TRACE_ID);
      raw.spanId = read(SPAN_ID);
      raw.parentId = read(PARENT_ID);
      raw.sampled = read(SAMPLED);
      raw.flags = read(FLAGS);
    }
    return raw;
  }
  const record = headers as Record<string, unknown>;
  for (const key of Object.keys(record)) collect(raw, key, record[key]);
  return raw;
}

/** Sentinel: the header is present but its value is not usable; the string is the reason. */
interface Bad {
  readonly bad: string;
}

/**
 * The header's value as a string, `undefined` when absent, or why it cannot be used. Arrays and
 * comma-joined repeats (`Headers.get`, Node) follow the spec's "the first value wins".
 */
function value(name: string, v: unknown): string | undefined | Bad {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) {
    if (v.length === 0) return undefined;
    v = v[0] as unknown;
  }
  if (v instanceof Uint8Array) {
    // Message headers carry bytes; B3 is ASCII.
    if (v.byteLength > MAX_VALUE_LENGTH) return { bad: `${name}: value longer than ${MAX_VALUE_LENGTH} characters` };
    v = decodeBytes(v);
  }
  if (typeof v !== 'string') return { bad: `${name}: value is not a string` };
  if (v.length > MAX_VALUE_LENGTH) {
    return { bad: `${name}: value longer than ${MAX_VALUE_LENGTH} characters` };
  }
  const comma = v.indexOf(',');
  return comma === -1 ? v : trimOws(v.slice(0, comma));
}

/** Strips HTTP optional whitespace (space, tab) around a list element. */
function trimOws(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && (s.charCodeAt(start) === 0x20 || s.charCodeAt(start) === 0x09)) start++;
  while (end > start && (s.charCodeAt(end - 1) === 0x20 || s.charCodeAt(end - 1) === 0x09)) end--;
  return s.slice(start, end);
}

function isBad(v: string | undefined | Bad): v is Bad {
  return typeof v === 'object';
}

// ---------------------------------------------------------------------------------------------
// Parsing


/** `b3: {TraceId}-{SpanId}[-{SamplingState}][-{ParentSpanId}]`, or just `{SamplingState}`. */
function parseSingle(b3: string): ExtractedContext | undefined {
  if (b3.length === 0) return malformed('b3: empty value');
  if (b3.length === 1) {
    // Sampling state alone: a predefined decision without IDs.
    const c = b3.charCodeAt(0);
    if (c === 0x30) return samplingOnly(false, false); // 0
    if (c === 0x31) return samplingOnly(true, false); // 1
    if (c === 0x64) return samplingOnly(true, true); // d
    return malformed('b3: sampling state must be 0, 1 or d');
  }

  // Structure first, so the reason says what is wrong rather than which field choked on it.
  let hyphens = 0;
  for (let i = 0; i < b3.length; i++) {
    if (b3.charCodeAt(i) === 0x2d) {
      if (i === 0 || i === b3.length - 1 || b3.charCodeAt(i - 1) === 0x2d) {
        return malformed('b3: empty field');
      }
      hyphens++;
    }
  }
  if (hyphens === 0) return malformed('b3: expected {TraceId}-{SpanId} or a sampling state alone');
  if (hyphens > 3) return malformed('b3: more than 4 fields');

  const end1 = b3.indexOf('-');
  const traceId = b3.slice(0, end1);
  if (!isValidTraceId(traceId)) return malformed(`b3: trace ID ${TRACE_ID_RULE}`);

  const end2 = b3.indexOf('-', end1 + 1);
  const spanId = b3.slice(end1 + 1, end2 === -1 ? b3.length : end2);
  if (!isValidSpanId(spanId)) return malformed(`b3: span ID ${SPAN_ID_RULE}`);
  if (end2 === -1) return full(traceId, spanId, undefined, undefined, false);

  const end3 = b3.indexOf('-', end2 + 1);
  const third = b3.slice(end2 + 1, end3 === -1 ? b3.length : end3);
  if (end3 === -1 && third.length === 16) {
    // `{TraceId}-{SpanId}-{ParentSpanId}`: sampling absent (defer) with a parent. Unambiguous
    // (a sampling state is one character) and what Brave writes for a deferred child.
    if (!isValidSpanId(third)) return malformed(`b3: parent span ID ${SPAN_ID_RULE}`);
    return full(traceId, spanId, third, undefined, false);
  }
  let sampled: boolean;
  let debug = false;
  if (third === '1') sampled = true;
  else if (third === '0') sampled = false;
  else if (third === 'd') sampled = debug = true;
  else return malformed('b3: sampling state must be 0, 1 or d');
  if (end3 === -1) return full(traceId, spanId, undefined, sampled, debug);

  const parentId = b3.slice(end3 + 1);
  if (!isValidSpanId(parentId)) return malformed(`b3: parent span ID ${SPAN_ID_RULE}`);
  return full(traceId, spanId, parentId, sampled, debug);
}

function parseMulti(raw: RawB3): ExtractedContext | undefined {
  const traceId = value('X-B3-TraceId', raw.traceId);
  if (isBad(traceId)) return malformed(traceId.bad);
  const spanId = value('X-B3-SpanId', raw.spanId);
  if (isBad(spanId)) return malformed(spanId.bad);
  const parentId = value('X-B3-ParentSpanId', raw.parentId);
  if (isBad(parentId)) return malformed(parentId.bad);
  const sampledValue = value('X-B3-Sampled', raw.sampled);
  if (isBad(sampledValue)) return malformed(sampledValue.bad);
  const flags = value('X-B3-Flags', raw.flags);
  // Spec: for X-B3-Flags, "absent or any other value [than 1] can be ignored".
  const debug = flags === '1';

  let sampled: boolean | undefined;
  if (sampledValue !== undefined) {
    if (sampledValue === '1') sampled = true;
    else if (sampledValue === '0') sampled = false;
    else {
      // Spec: pre-spec tracers sent true/false, "a lenient implementation may accept them".
      const lower = sampledValue.length <= 5 ? sampledValue.toLowerCase() : '';
      if (lower === 'true') sampled = true;
      else if (lower === 'false') sampled = false;
      else return malformed('X-B3-Sampled: must be 1 or 0 (or legacy true/false)');
    }
  }
  // Debug implies accept; it wins over a contradictory X-B3-Sampled: 0.
  if (debug) sampled = true;

  if (traceId === undefined && spanId === undefined) {
    if (parentId !== undefined) {
      return malformed('X-B3-ParentSpanId: sent without X-B3-TraceId and X-B3-SpanId');
    }
    if (sampled === undefined) return undefined; // no B3 headers (or only ignorable flags)
    return samplingOnly(sampled, debug);
  }
  if (traceId === undefined) return malformed('X-B3-TraceId: required with X-B3-SpanId');
  if (spanId === undefined) return malformed('X-B3-SpanId: required with X-B3-TraceId');
  if (!isValidTraceId(traceId)) return malformed(`X-B3-TraceId: ${TRACE_ID_RULE}`);
  if (!isValidSpanId(spanId)) return malformed(`X-B3-SpanId: ${SPAN_ID_RULE}`);
  if (parentId !== undefined && !isValidSpanId(parentId)) {
    return malformed(`X-B3-ParentSpanId: ${SPAN_ID_RULE}`);
  }
  return full(traceId, spanId, parentId, sampled, debug);
}

/**
 * Reads the trace context a peer propagated. The `b3` single header takes precedence (spec);
 * only when it is absent are the `X-B3-*` headers read. A present but malformed `b3` is not
 * rescued by `X-B3-*` headers: the sender's intent is unclear, so nothing is trusted.
 *
 * Returns a {@link SpanContext} (with `shared: false`; `sampled` is `undefined` when the sender
 * deferred), a {@link SamplingOnlyContext} when only a decision was sent (`b3: 0|1|d`,
 * `X-B3-Sampled` or `X-B3-Flags: 1` alone), or `undefined` when there are no B3 headers or they
 * are malformed. Never throws, whatever `headers` is; malformed input is counted in
 * {@link b3Stats} and reported to {@link onMalformedB3} listeners.
 *
 * Accepted beyond the strict grammar, each noted in the spec as allowed: `X-B3-Sampled: true` /
 * `false` (any case; legacy tracers), `X-B3-Flags` values other than `1` (ignored), and
 * `b3: {TraceId}-{SpanId}-{ParentSpanId}` (deferred with a parent). A 16-character trace ID is
 * returned as is, not padded.
 *
 * @example
 * extractB3({ b3: '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90' });
 * // { traceId: '80f198ee56343ba864fe8b2a57d3eff7', spanId: 'e457b5a2e4d86bd1',
 * //   parentId: '05e3ac9a4f6e3b90', sampled: true, debug: false, shared: false }
 * extractB3({ 'X-B3-Sampled': '0' }); // { sampled: false, debug: false, shared: false }
 * extractB3({ b3: 'nonsense' });      // undefined, and b3Stats().malformed grows
 */
export function extractB3(headers: HeadersLike): ExtractedContext | undefined {
  try {
    if (typeof headers !== 'object' || headers === null) {
      return malformed(`headers: expected an object, got ${headers === null ? 'null' : typeof headers}`);
    }
    const raw = readHeaders(headers);
    const b3 = value('b3', raw.b3);
    if (isBad(b3)) return malformed(b3.bad);
    if (b3 !== undefined) return parseSingle(b3);
    return parseMulti(raw);
  } catch {
    // Throwing getters, hostile proxies, ...: the carrier itself is unreadable.
    return malformed('headers: could not be read');
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * The B3 headers to send downstream for `context`, with lowercase names (valid for HTTP and
 * required by case-sensitive transports such as gRPC metadata).
 *
 * - `'multi'`: `x-b3-traceid`, `x-b3-spanid`, `x-b3-parentspanid` (only when there is a
 *   parent), then `x-b3-sampled: 1|0`, or `x-b3-flags: 1` instead when debug (debug implies
 *   accept, so the spec says not to send both).
 * - `'single'`: `b3: {traceid}-{spanid}-{1|0|d}-{parentspanid}`, parent omitted on a root.
 *
 * An undefined `sampled` (defer) sends no sampling state. IDs are not re-validated: contexts come
 * from this library. Hot path: no regex, only the result object (and one string for `'single'`).
 *
 * @param format Which encoding to write.
 * @default format 'multi'
 * @example
 * b3Headers({ traceId: '463ac35c9f6413ad48485a3953bb6124', spanId: 'a2fb4a1d1a96d312',
 *             sampled: true, debug: false, shared: false });
 * // { 'x-b3-traceid': '463ac35c9f6413ad48485a3953bb6124',
 * //   'x-b3-spanid': 'a2fb4a1d1a96d312', 'x-b3-sampled': '1' }
 * b3Headers(context, 'single');
 * // { b3: '463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-1' }
 */
export function b3Headers(
  context: SpanContext,
  format: 'multi' | 'single' = 'multi',
): Record<string, string> {
  const { traceId, spanId, parentId, sampled, debug } = context;
  if (format === 'single') {
    const state = debug ? '-d' : sampled === true ? '-1' : sampled === false ? '-0' : '';
    return {
      b3:
        parentId === undefined
          ? `${traceId}-${spanId}${state}`
          : `${traceId}-${spanId}${state}-${parentId}`,
    };
  }
  const headers: Record<string, string> = { 'x-b3-traceid': traceId, 'x-b3-spanid': spanId };
  if (parentId !== undefined) headers['x-b3-parentspanid'] = parentId;
  if (debug) headers['x-b3-flags'] = '1';
  else if (sampled !== undefined) headers['x-b3-sampled'] = sampled ? '1' : '0';
  return headers;
}
