// Checks a span against Zipkin's v2 model (shared/specs/zipkin2-api.yaml), read by hand into code.
// Zipkin rejects a whole POSTed batch for one bad span, so tests hold every emitted span to this.
// test/zipkin-spec-helper-pins-yaml.test.ts pins the rules below to the text of the yaml.
import { AssertionError } from 'node:assert';
import { sharedFile } from './shared.js';

/** The spec's path under shared/ (beside the repository root; see helpers/shared.ts). */
export const ZIPKIN_SPEC = 'specs/zipkin2-api.yaml';
/** Where the spec lives: beside the repository root (in CI a copy of shared/ sits beside the clone). */
export const ZIPKIN_SPEC_URL = sharedFile(ZIPKIN_SPEC);

/** The yaml's Span.traceId pattern, anchored: 16 or 32 (the lengths Zipkin reads) lowercase hex. */
export const TRACE_ID = /^(?:[a-f0-9]{16}|[a-f0-9]{32})$/;
/** The yaml's Span.id and Span.parentId pattern, anchored: exactly 16 lowercase hex. */
export const SPAN_ID = /^[a-f0-9]{16}$/;
/** The yaml's Span.kind enum. */
export const KINDS: readonly string[] = ['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'];
/** Every property the yaml's Span defines. */
export const SPAN_PROPERTIES: readonly string[] = [
  'traceId', 'name', 'parentId', 'id', 'kind', 'timestamp', 'duration', 'debug', 'shared',
  'localEndpoint', 'remoteEndpoint', 'annotations', 'tags',
];
/** Every property the yaml's Endpoint defines. */
export const ENDPOINT_PROPERTIES: readonly string[] = ['serviceName', 'ipv4', 'ipv6', 'port'];
/** Every property the yaml's Annotation defines (both required). */
export const ANNOTATION_PROPERTIES: readonly string[] = ['timestamp', 'value'];

// Epoch microseconds after 2001-09-09: catches milliseconds, seconds and durations passed as times.
const MIN_EPOCH_MICROS = 1e15;

const IPV4_OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${IPV4_OCTET}(?:\\.${IPV4_OCTET}){3}$`);
const HEXTET = /^[0-9a-fA-F]{1,4}$/;

/** IPv4 dotted quad, written independently of node:net (which the library itself uses). */
export function isIpv4(s: string): boolean {
  return IPV4.test(s);
}

/** IPv6 text form (RFC 4291 2.2): 8 hextets, one `::` at most, an IPv4 tail allowed; no zone, no brackets. */
export function isIpv6(s: string): boolean {
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  // An IPv4 tail may only end the address, never stand before a trailing `::`.
  const endsWithGroup = halves.length === 1 || tail.length > 0;
  const all = [...head, ...tail];
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const g = all[i]!;
    if (i === all.length - 1 && endsWithGroup && g.includes('.')) {
      if (!isIpv4(g)) return false;
      count += 2;
    } else if (HEXTET.test(g)) {
      count += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? count <= 7 : count === 8;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isEpochMicros(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > MIN_EPOCH_MICROS;
}

function isAllZeros(s: string): boolean {
  return /^0+$/.test(s);
}

function endpointProblems(where: string, e: unknown): string[] {
  if (!isPlainObject(e)) return [`${where}: expected an object, got ${JSON.stringify(e)}`];
  const out: string[] = [];
  for (const key of Object.keys(e)) {
    if (!ENDPOINT_PROPERTIES.includes(key)) out.push(`${where}.${key}: not a property of Endpoint`);
  }
  const { serviceName, ipv4, ipv6, port } = e;
  if (serviceName !== undefined) {
    if (typeof serviceName !== 'string') out.push(`${where}.serviceName: expected a string, got ${JSON.stringify(serviceName)}`);
    else if (serviceName !== serviceName.toLowerCase()) out.push(`${where}.serviceName: expected lowercase, got ${JSON.stringify(serviceName)}`);
  }
  if (ipv4 !== undefined && !(typeof ipv4 === 'string' && isIpv4(ipv4))) {
    out.push(`${where}.ipv4: expected an IPv4 address, got ${JSON.stringify(ipv4)}`);
  }
  if (ipv6 !== undefined && !(typeof ipv6 === 'string' && isIpv6(ipv6))) {
    out.push(`${where}.ipv6: expected an IPv6 address, got ${JSON.stringify(ipv6)}`);
  }
  if (port !== undefined && !(typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535)) {
    out.push(`${where}.port: expected an integer from 1 to 65535 (never zero), got ${JSON.stringify(port)}`);
  }
  return out;
}

/**
 * Every way `span` breaks Zipkin's v2 Span model; empty when it is valid.
 * @example assert.deepEqual(zipkinSpanProblems(span), [])
 */
export function zipkinSpanProblems(span: unknown): string[] {
  if (!isPlainObject(span)) return [`span: expected an object, got ${JSON.stringify(span)}`];
  const out: string[] = [];
  for (const key of Object.keys(span)) {
    if (!SPAN_PROPERTIES.includes(key)) out.push(`${key}: not a property of Span`);
  }

  const { traceId, id, parentId, name, kind, timestamp, duration, debug, shared } = span;
  if (traceId === undefined) out.push('traceId: required');
  else if (typeof traceId !== 'string' || !TRACE_ID.test(traceId)) out.push(`traceId: expected 16 or 32 lowercase hex characters, got ${JSON.stringify(traceId)}`);
  else if (isAllZeros(traceId)) out.push('traceId: all zeros');
  if (id === undefined) out.push('id: required');
  else if (typeof id !== 'string' || !SPAN_ID.test(id)) out.push(`id: expected 16 lowercase hex characters, got ${JSON.stringify(id)}`);
  else if (isAllZeros(id)) out.push('id: all zeros');
  if (parentId !== undefined) {
    if (typeof parentId !== 'string' || !SPAN_ID.test(parentId)) out.push(`parentId: expected 16 lowercase hex characters, got ${JSON.stringify(parentId)}`);
    else if (isAllZeros(parentId)) out.push('parentId: all zeros');
  }
  if (name !== undefined && typeof name !== 'string') out.push(`name: expected a string, got ${JSON.stringify(name)}`);
  if (kind !== undefined && !(typeof kind === 'string' && KINDS.includes(kind))) out.push(`kind: expected one of ${KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  if (timestamp !== undefined && !isEpochMicros(timestamp)) out.push(`timestamp: expected integer epoch microseconds, got ${JSON.stringify(timestamp)}`);
  if (duration !== undefined && !(typeof duration === 'number' && Number.isSafeInteger(duration) && duration >= 1)) {
    out.push(`duration: expected an integer >= 1 (microseconds), got ${JSON.stringify(duration)}`);
  }
  if (debug !== undefined && typeof debug !== 'boolean') out.push(`debug: expected a boolean, got ${JSON.stringify(debug)}`);
  if (shared !== undefined && typeof shared !== 'boolean') out.push(`shared: expected a boolean, got ${JSON.stringify(shared)}`);
  if (span.localEndpoint !== undefined) out.push(...endpointProblems('localEndpoint', span.localEndpoint));
  if (span.remoteEndpoint !== undefined) out.push(...endpointProblems('remoteEndpoint', span.remoteEndpoint));

  const { annotations, tags } = span;
  if (annotations !== undefined) {
    if (!Array.isArray(annotations)) {
      out.push(`annotations: expected an array, got ${JSON.stringify(annotations)}`);
    } else {
      const seen = new Set<string>();
      annotations.forEach((a: unknown, i) => {
        if (!isPlainObject(a)) {
          out.push(`annotations[${i}]: expected an object, got ${JSON.stringify(a)}`);
          return;
        }
        for (const key of Object.keys(a)) {
          if (!ANNOTATION_PROPERTIES.includes(key)) out.push(`annotations[${i}].${key}: not a property of Annotation`);
        }
        if (!isEpochMicros(a.timestamp)) out.push(`annotations[${i}].timestamp: expected integer epoch microseconds, got ${JSON.stringify(a.timestamp)}`);
        if (typeof a.value !== 'string') out.push(`annotations[${i}].value: expected a string, got ${JSON.stringify(a.value)}`);
        const key = JSON.stringify([a.timestamp, a.value]);
        if (seen.has(key)) out.push(`annotations[${i}]: duplicate of an earlier item (uniqueItems)`);
        seen.add(key);
      });
    }
  }
  if (tags !== undefined) {
    if (!isPlainObject(tags)) {
      out.push(`tags: expected an object of strings, got ${JSON.stringify(tags)}`);
    } else {
      for (const [key, value] of Object.entries(tags)) {
        if (typeof value !== 'string') out.push(`tags.${key}: expected a string, got ${JSON.stringify(value)}`);
      }
    }
  }
  return out;
}

/**
 * Throws an AssertionError listing every way `span` breaks Zipkin's v2 Span model.
 * @example for (const span of sink.spans) assertZipkinSpan(span);
 * @throws {AssertionError} when the span is invalid.
 */
export function assertZipkinSpan(span: unknown): void {
  const problems = zipkinSpanProblems(span);
  if (problems.length > 0) {
    throw new AssertionError({
      message: `not a valid Zipkin v2 span:\n  ${problems.join('\n  ')}\nspan: ${JSON.stringify(span)}`,
      actual: problems,
      expected: [],
      operator: 'zipkinSpanProblems',
    });
  }
}

/**
 * Parses one line of JSON text (e.g. an NDJSON line) and asserts it is a valid Zipkin v2 span.
 * @returns the parsed span.
 * @throws {AssertionError} when the text is not JSON or not a valid span.
 */
export function assertValidJsonLine(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new AssertionError({ message: `not JSON (${(error as Error).message}): ${JSON.stringify(text)}`, actual: text, operator: 'JSON.parse' });
  }
  assertZipkinSpan(parsed);
  return parsed as Record<string, unknown>;
}
