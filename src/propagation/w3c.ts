/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): read and write `traceparent` and
 * `tracestate`, exactly as the specification says.
 *
 * Extraction never throws: headers are untrusted input. An invalid `traceparent` yields
 * `undefined` (the caller starts a new trace) and is counted in {@link w3cStats}; an invalid
 * `tracestate` is dropped while its `traceparent` is kept, and counted too.
 *
 * @module
 */
import type { SpanContext } from '../model/span-context.js';
import { normalise, type Carrier } from './carrier.js';

/** Longest `traceparent` looked at: version 00 is 55 characters; later versions only add fields. */
const MAX_TRACEPARENT_LENGTH = 512;
/** Longest combined `tracestate` looked at; 32 members of 256-character keys and values fit. */
const MAX_TRACESTATE_LENGTH = 32 * (256 + 1 + 256) + 31 * 3;
/** The spec's limit on list members. */
const MAX_MEMBERS = 32;
/**
 * The longest `tracestate` this library sends on. The spec asks for at least 512 characters and,
 * when truncating, for whole entries: those over 128 characters first, then from the end.
 */
export const MAX_PROPAGATED_TRACESTATE = 1024;

const ZERO_TRACE_HIGH = '0000000000000000';

// ---------------------------------------------------------------------------------------------
// Observability

let extractedCount = 0;
let malformedTraceparent = 0;
let malformedTracestate = 0;
let lastMalformed: string | undefined;

/**
 * Counters since the process started.
 *
 * - `extracted`: valid `traceparent` headers read.
 * - `malformed`: `traceparent` headers rejected (a new trace starts).
 * - `tracestateDropped`: `tracestate` headers dropped as invalid (their `traceparent` kept).
 * - `lastMalformed`: why the last rejection happened; names the rule, never the value.
 *
 * @example
 * const { malformed, lastMalformed } = w3cStats();
 */
export function w3cStats(): { extracted: number; malformed: number; tracestateDropped: number; lastMalformed?: string } {
  const stats: { extracted: number; malformed: number; tracestateDropped: number; lastMalformed?: string } = {
    extracted: extractedCount,
    malformed: malformedTraceparent,
    tracestateDropped: malformedTracestate,
  };
  if (lastMalformed !== undefined) stats.lastMalformed = lastMalformed;
  return stats;
}

function badParent(reason: string): undefined {
  malformedTraceparent++;
  lastMalformed = `traceparent: ${reason}`;
  return undefined;
}

function badState(reason: string): undefined {
  malformedTracestate++;
  lastMalformed = `tracestate: ${reason}`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// traceparent

/** The value of a lowercase hex digit, or -1. The spec's HEXDIGLC: uppercase is invalid. */
function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/** `s[from, from + length)` is lowercase hex and not all zeros. */
function isHexId(s: string, from: number, length: number): boolean {
  let nonZero = false;
  for (let i = from; i < from + length; i++) {
    const d = hexDigit(s.charCodeAt(i));
    if (d < 0) return false;
    if (d !== 0) nonZero = true;
  }
  return nonZero;
}

/** What a valid `traceparent` says. */
export interface Traceparent {
  readonly traceId: string;
  readonly parentId: string;
  readonly sampled: boolean;
  readonly randomTraceId: boolean;
}

/**
 * Parses a `traceparent` value by the spec's rules, version 00 exactly, a higher version by its
 * forward-compatibility rules (the first four fields, then a dash or the end). Returns why not as
 * a string.
 */
export function parseTraceparent(v: string): Traceparent | string {
  if (v.length < 55) return 'shorter than 55 characters';
  const v0 = hexDigit(v.charCodeAt(0));
  const v1 = hexDigit(v.charCodeAt(1));
  if (v0 < 0 || v1 < 0 || v.charCodeAt(2) !== 0x2d) return 'the version is not 2 lowercase hex digits and a dash';
  const version = v0 * 16 + v1;
  if (version === 0xff) return 'version ff is forbidden';
  if (version === 0 && v.length !== 55) return 'version 00 has exactly 4 fields (55 characters)';
  if (version > 0 && v.length > 55 && v.charCodeAt(55) !== 0x2d) return 'the flags are not followed by a dash or the end';
  if (!isHexId(v, 3, 32) || v.charCodeAt(35) !== 0x2d) return 'the trace-id must be 32 lowercase hex characters, not all zeros';
  if (!isHexId(v, 36, 16) || v.charCodeAt(52) !== 0x2d) return 'the parent-id must be 16 lowercase hex characters, not all zeros';
  const f0 = hexDigit(v.charCodeAt(53));
  const f1 = hexDigit(v.charCodeAt(54));
  if (f0 < 0 || f1 < 0) return 'the trace-flags must be 2 lowercase hex digits';
  const flags = f0 * 16 + f1;
  return { traceId: v.slice(3, 35), parentId: v.slice(36, 52), sampled: (flags & 1) === 1, randomTraceId: (flags & 2) === 2 };
}

/**
 * The `traceparent` for a span: version 00, a 64-bit trace ID left-padded with zeros, the
 * sampled and random-trace-id flags (every other flag zero, as the spec requires).
 */
export function formatTraceparent(traceId: string, spanId: string, sampled: boolean, randomTraceId: boolean): string {
  const flags = sampled ? (randomTraceId ? '03' : '01') : randomTraceId ? '02' : '00';
  return `00-${w3cTraceId(traceId)}-${spanId}-${flags}`;
}

/** A trace ID as W3C writes it: 32 hex characters, a 64-bit one left-padded with zeros. */
export function w3cTraceId(traceId: string): string {
  return traceId.length === 16 ? ZERO_TRACE_HIGH + traceId : traceId;
}

// ---------------------------------------------------------------------------------------------
// tracestate

/** key = ( lcalpha / DIGIT ) 0*255 ( lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@" ) */
function isKey(s: string, from: number, to: number): boolean {
  const n = to - from;
  if (n < 1 || n > 256) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    const lowerOrDigit = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
    if (i === from ? !lowerOrDigit : !(lowerOrDigit || c === 0x5f || c === 0x2d || c === 0x2a || c === 0x2f || c === 0x40)) return false;
  }
  return true;
}

/** value = 0*255(chr) nblk-chr; chr = %x20 / nblk-chr; nblk-chr = %x21-2B / %x2D-3C / %x3E-7E */
function isValue(s: string, from: number, to: number): boolean {
  const n = to - from;
  if (n < 1 || n > 256) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x2c || c === 0x3d) return false;
  }
  return s.charCodeAt(to - 1) !== 0x20;
}

function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/**
 * The members of a valid `tracestate`, written without optional whitespace, or why it is invalid.
 * Empty members are allowed (and dropped); more than 32 members, a bad key or value, or a key
 * given twice makes the whole header invalid.
 */
export function parseTracestate(v: string): string[] | string {
  if (v.length > MAX_TRACESTATE_LENGTH) return `longer than ${MAX_TRACESTATE_LENGTH} characters`;
  const members: string[] = [];
  const keys = new Set<string>();
  let start = 0;
  while (start <= v.length) {
    let end = v.indexOf(',', start);
    if (end === -1) end = v.length;
    let a = start;
    let b = end;
    while (a < b && isOws(v.charCodeAt(a))) a++;
    while (b > a && isOws(v.charCodeAt(b - 1))) b--;
    if (a < b) {
      const eq = v.indexOf('=', a);
      if (eq === -1 || eq >= b) return 'a member is not key=value';
      if (!isKey(v, a, eq)) return 'a key is not lowercase letters, digits and _-*/@ (at most 256, starting with a letter or digit)';
      if (!isValue(v, eq + 1, b)) return 'a value is not 1 to 256 printable characters without , or =';
      const key = v.slice(a, eq);
      if (keys.has(key)) return 'a key appears twice';
      keys.add(key);
      if (members.length === MAX_MEMBERS) return `more than ${MAX_MEMBERS} members`;
      members.push(v.slice(a, b));
    }
    start = end + 1;
  }
  return members;
}

/** The spec's truncation: whole entries, those over 128 characters first, then from the end. */
function truncated(members: string[]): string[] {
  let length = members.reduce((n, m) => n + m.length, 0) + Math.max(0, members.length - 1);
  if (length <= MAX_PROPAGATED_TRACESTATE) return members;
  const out = [...members];
  for (let i = out.length - 1; i >= 0 && length > MAX_PROPAGATED_TRACESTATE; i--) {
    const m = out[i] as string;
    if (m.length > 128) {
      length -= m.length + 1;
      out.splice(i, 1);
    }
  }
  while (out.length > 0 && length > MAX_PROPAGATED_TRACESTATE) length -= (out.pop() as string).length + 1;
  return out;
}

/**
 * The `tracestate` to send for a span: what its trace received, unchanged, with this service's
 * entry (`key=spanId`) added or moved to the front when a key is configured. Undefined when empty.
 */
export function outgoingTracestate(received: string | undefined, ownKey: string | undefined, spanId: string): string | undefined {
  if (ownKey === undefined) return received;
  const own = `${ownKey}=${spanId}`;
  if (received === undefined || received === '') return own;
  const prefix = `${ownKey}=`;
  const others = received.split(',').filter((m) => !m.startsWith(prefix));
  // Adding may pass 32 members: the right-most goes.
  if (others.length >= MAX_MEMBERS) others.length = MAX_MEMBERS - 1;
  return [own, ...others].join(',');
}

/** Whether `key` may be a tracestate key (for checking the `tracestateKey` option). */
export function isTracestateKey(key: string): boolean {
  return isKey(key, 0, key.length);
}

// ---------------------------------------------------------------------------------------------
// Extraction

/** The two W3C headers as found, before normalisation; a name seen twice (two cases) is kept twice. */
interface RawW3C {
  parent: unknown;
  parentTwice: boolean;
  state: unknown;
  stateMore: unknown[] | undefined;
}

function collect(raw: RawW3C, key: unknown, value: unknown): void {
  // traceparent has 11 characters, tracestate 10: a length check skips almost every other header.
  if (typeof key !== 'string' || (key.length !== 11 && key.length !== 10) || value === undefined || value === null) return;
  const name = key === 'traceparent' || key === 'tracestate' ? key : key.toLowerCase();
  if (name === 'traceparent') {
    if (raw.parent === undefined) raw.parent = value;
    else raw.parentTwice = true;
  } else if (name === 'tracestate') {
    if (raw.state === undefined) raw.state = value;
    else (raw.stateMore ??= []).push(value);
  }
}

/** One pass over the carrier for both headers. May throw on hostile carriers: the caller catches. */
function readRaw(carrier: object): RawW3C {
  const raw: RawW3C = { parent: undefined, parentTwice: false, state: undefined, stateMore: undefined };
  if (carrier instanceof Map) {
    for (const [key, value] of carrier) collect(raw, key, value);
    return raw;
  }
  const get = (carrier as { get?: unknown }).get;
  if (typeof get === 'function') {
    // WHATWG Headers: case-insensitive, repeats already joined with ", ".
    raw.parent = (get.call(carrier, 'traceparent') as unknown) ?? undefined;
    raw.state = (get.call(carrier, 'tracestate') as unknown) ?? undefined;
    return raw;
  }
  const record = carrier as Record<string, unknown>;
  for (const key of Object.keys(record)) collect(raw, key, record[key]);
  return raw;
}

/** The `tracestate` of a valid `traceparent`, as it will be passed on, or undefined. */
function readTracestate(raw: RawW3C): string | undefined {
  if (raw.state === undefined) return undefined;
  const value = normalise('tracestate', raw.stateMore === undefined ? raw.state : [raw.state, ...raw.stateMore].flat(), true, MAX_TRACESTATE_LENGTH);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return badState(value.bad.slice('tracestate: '.length));
  const members = parseTracestate(value);
  if (typeof members === 'string') return badState(members);
  if (members.length === 0) return undefined;
  return truncated(members).join(',');
}

/**
 * Reads a W3C trace context from headers (HTTP headers in any shape `extractB3` takes, and message
 * headers whose values are `Buffer`s or `Uint8Array`s). Returns a {@link SpanContext} with the
 * caller's span as `spanId`, `sampled` from the flags, and the `tracestate` to pass on; or
 * `undefined` when there is no valid `traceparent` (start a new trace). Never throws.
 *
 * W3C has no shared-span model: a server joining a W3C-only parent makes a child span.
 *
 * @example
 * extractW3C({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
 * // { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', sampled: true,
 * //   debug: false, shared: false, propagation: 'w3c', randomTraceId: false }
 */
export function extractW3C(carrier: Carrier): SpanContext | undefined {
  try {
    if (typeof carrier !== 'object' || carrier === null) return badParent(`headers: expected an object, got ${carrier === null ? 'null' : typeof carrier}`);
    const raw = readRaw(carrier);
    if (raw.parent === undefined) return undefined;
    // Not a list: a repeated traceparent (joined with commas by Headers and node:http) is invalid.
    if (raw.parentTwice) return badParent('sent more than once');
    const value = normalise('traceparent', raw.parent, false, MAX_TRACEPARENT_LENGTH);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') return badParent(value.bad.slice('traceparent: '.length));
    // A comma is what joining two fields leaves (Headers, node:http); no traceparent version has one.
    if (value.includes(',')) return badParent('sent more than once');
    const parsed = parseTraceparent(value);
    if (typeof parsed === 'string') return badParent(parsed);
    extractedCount++;
    // Only a valid traceparent lets tracestate be read (spec).
    const tracestate = readTracestate(raw);
    return tracestate === undefined
      ? { traceId: parsed.traceId, spanId: parsed.parentId, sampled: parsed.sampled, debug: false, shared: false, propagation: 'w3c', randomTraceId: parsed.randomTraceId }
      : { traceId: parsed.traceId, spanId: parsed.parentId, sampled: parsed.sampled, debug: false, shared: false, propagation: 'w3c', randomTraceId: parsed.randomTraceId, tracestate };
  } catch {
    return badParent('headers: could not be read');
  }
}
