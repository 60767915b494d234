import { z } from 'zod';
import { MAX_PORT } from './endpoint.js';
import { isValidSpanId, isValidTraceId, SPAN_ID_FORM, TRACE_ID_FORM } from './ids.js';
import { SPAN_KINDS, SPAN_KINDS_TEXT } from './span-record.js';
import type { ZipkinSpan } from './zipkin-span.js';

// Data read from outside (span files, Zipkin's answers) is checked with zod. This module is loaded
// only by what reads such data (readSpanFile, the CLI), never by importing the library.

const epochMicros = z.int({ error: 'expected an integer (epoch microseconds)' }).min(0, { error: 'expected epoch microseconds, not negative' });

const endpointSchema = z.object({
  serviceName: z.exactOptional(z.string({ error: 'expected a string' })),
  ipv4: z.exactOptional(z.ipv4({ error: 'expected an IPv4 address like 10.0.0.7' })),
  ipv6: z.exactOptional(z.ipv6({ error: 'expected an IPv6 address like 2001:db8::c001' })),
  // Read leniently: 0 is what some tracers write for an unknown port, and Zipkin stores it.
  port: z.exactOptional(z.int({ error: `expected an integer from 0 to ${MAX_PORT}` }).min(0).max(MAX_PORT)),
});

/** Zipkin's v2 span model (zipkin2-api.yaml `Span`); unknown fields are ignored, as Zipkin does. */
const zipkinSpanSchema = z.object({
  traceId: z.string({ error: (issue) => (issue.input === undefined ? 'missing (every span needs a traceId)' : 'expected a string') }).refine(isValidTraceId, { error: `expected ${TRACE_ID_FORM}` }),
  parentId: z.exactOptional(z.string({ error: 'expected a string' }).refine(isValidSpanId, { error: `expected ${SPAN_ID_FORM}` })),
  id: z.string({ error: (issue) => (issue.input === undefined ? 'missing (every span needs an id)' : 'expected a string') }).refine(isValidSpanId, { error: `expected ${SPAN_ID_FORM}` }),
  kind: z.exactOptional(z.enum(SPAN_KINDS, { error: `expected ${SPAN_KINDS_TEXT}` })),
  name: z.exactOptional(z.string({ error: 'expected a string' })),
  timestamp: z.exactOptional(epochMicros),
  duration: z.exactOptional(z.int({ error: 'expected an integer (microseconds)' }).min(1, { error: 'expected at least 1 microsecond' })),
  debug: z.exactOptional(z.boolean({ error: 'expected true or false' })),
  shared: z.exactOptional(z.boolean({ error: 'expected true or false' })),
  localEndpoint: z.exactOptional(endpointSchema),
  remoteEndpoint: z.exactOptional(endpointSchema),
  annotations: z.exactOptional(
    z.array(z.object({ timestamp: epochMicros, value: z.string({ error: 'expected a string' }) }), { error: 'expected an array of { timestamp, value }' }),
  ),
  tags: z.exactOptional(z.record(z.string(), z.string({ error: 'expected a string (tag values are strings)' }), { error: 'expected an object of string values' })),
}, { error: 'expected a JSON object (a Zipkin v2 span)' });

// The common case checked by hand: a span these checks accept, the schema accepts too (they are at
// least as strict), and it comes out as the schema would give it (known fields only). Anything
// else goes to the schema, which decides and explains. About twice the spans per second of the
// schema alone, for the CLI's summaries of large files.
const KINDS: ReadonlySet<unknown> = new Set(SPAN_KINDS);
const IPV4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$/;

const isMicros = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/**
 * Whether a plain endpoint (no IPv6: the schema checks those) is valid: 0 when it holds known
 * fields only (it is kept as decoded), 1 when it has others too (it is copied), -1 when not valid.
 */
function checkEndpoint(v: unknown): -1 | 0 | 1 {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return -1;
  const e = v as Record<string, unknown>;
  let known = 0;
  if (e.serviceName !== undefined) {
    if (typeof e.serviceName !== 'string') return -1;
    known++;
  }
  if (e.ipv4 !== undefined) {
    if (typeof e.ipv4 !== 'string' || !IPV4.test(e.ipv4)) return -1;
    known++;
  }
  if (e.ipv6 !== undefined) return -1;
  if (e.port !== undefined) {
    if (!Number.isSafeInteger(e.port) || (e.port as number) < 0 || (e.port as number) > MAX_PORT) return -1;
    known++;
  }
  return Object.keys(e).length === known ? 0 : 1;
}

/** An endpoint checkEndpoint accepted, with its known fields only. */
function copyEndpoint(v: unknown): NonNullable<ZipkinSpan['localEndpoint']> {
  const e = v as { serviceName?: string; ipv4?: string; port?: number };
  const out: { serviceName?: string; ipv4?: string; port?: number } = {};
  if (e.serviceName !== undefined) out.serviceName = e.serviceName;
  if (e.ipv4 !== undefined) out.ipv4 = e.ipv4;
  if (e.port !== undefined) out.port = e.port;
  return out;
}

/**
 * The span as the schema would give it, or null for the schema to decide. A span of known fields
 * only, at every depth, is returned as decoded (JSON.parse's value is the reader's own): no copy.
 */
function fastSpan(value: unknown): ZipkinSpan | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.traceId !== 'string' || !isValidTraceId(v.traceId) || typeof v.id !== 'string' || !isValidSpanId(v.id)) return null;
  let known = 2;
  // Fields below the top that the schema would leave out: then the known ones are copied.
  let others = false;
  if (v.parentId !== undefined) {
    if (typeof v.parentId !== 'string' || !isValidSpanId(v.parentId)) return null;
    known++;
  }
  if (v.kind !== undefined) {
    if (!KINDS.has(v.kind)) return null;
    known++;
  }
  if (v.name !== undefined) {
    if (typeof v.name !== 'string') return null;
    known++;
  }
  if (v.timestamp !== undefined) {
    if (!isMicros(v.timestamp)) return null;
    known++;
  }
  if (v.duration !== undefined) {
    if (!Number.isSafeInteger(v.duration) || (v.duration as number) < 1) return null;
    known++;
  }
  if (v.debug !== undefined) {
    if (typeof v.debug !== 'boolean') return null;
    known++;
  }
  if (v.shared !== undefined) {
    if (typeof v.shared !== 'boolean') return null;
    known++;
  }
  for (const endpoint of [v.localEndpoint, v.remoteEndpoint]) {
    if (endpoint === undefined) continue;
    const c = checkEndpoint(endpoint);
    if (c < 0) return null;
    if (c > 0) others = true;
    known++;
  }
  if (v.annotations !== undefined) {
    if (!Array.isArray(v.annotations)) return null;
    for (const a of v.annotations as unknown[]) {
      if (typeof a !== 'object' || a === null || Array.isArray(a)) return null;
      const { timestamp, value: text } = a as Record<string, unknown>;
      if (!isMicros(timestamp) || typeof text !== 'string') return null;
      if (Object.keys(a).length !== 2) others = true;
    }
    known++;
  }
  if (v.tags !== undefined) {
    if (typeof v.tags !== 'object' || v.tags === null || Array.isArray(v.tags)) return null;
    const tags = v.tags as Record<string, unknown>;
    for (const key in tags) {
      // __proto__ would set a copy's prototype: the schema's own copy decides that case.
      if (typeof tags[key] !== 'string' || key === '__proto__') return null;
    }
    known++;
  }
  if (!others && Object.keys(v).length === known) return v as unknown as ZipkinSpan;
  return copySpan(v);
}

/** A span fastSpan accepted that holds other fields too: its known fields only, as the schema gives them. */
function copySpan(v: Record<string, unknown>): ZipkinSpan {
  const out: ZipkinSpan = { traceId: v.traceId as string, id: v.id as string };
  if (v.parentId !== undefined) out.parentId = v.parentId as string;
  if (v.kind !== undefined) out.kind = v.kind as NonNullable<ZipkinSpan['kind']>;
  if (v.name !== undefined) out.name = v.name as string;
  if (v.timestamp !== undefined) out.timestamp = v.timestamp as number;
  if (v.duration !== undefined) out.duration = v.duration as number;
  if (v.debug !== undefined) out.debug = v.debug as boolean;
  if (v.shared !== undefined) out.shared = v.shared as boolean;
  if (v.localEndpoint !== undefined) out.localEndpoint = copyEndpoint(v.localEndpoint);
  if (v.remoteEndpoint !== undefined) out.remoteEndpoint = copyEndpoint(v.remoteEndpoint);
  if (v.annotations !== undefined) out.annotations = (v.annotations as Array<{ timestamp: number; value: string }>).map((a) => ({ timestamp: a.timestamp, value: a.value }));
  if (v.tags !== undefined) out.tags = { ...(v.tags as Record<string, string>) };
  return out;
}

/** Checks one decoded JSON value against the Zipkin v2 span model. */
export function parseSpan(value: unknown): { ok: true; span: ZipkinSpan } | { ok: false; message: string } {
  const fast = fastSpan(value);
  if (fast !== null) return { ok: true, span: fast };
  return parseSpanWithSchema(value);
}

/** The schema alone (also the reference the hand-written checks are tested against). */
export function parseSpanWithSchema(value: unknown): { ok: true; span: ZipkinSpan } | { ok: false; message: string } {
  const result = zipkinSpanSchema.safeParse(value);
  if (result.success) return { ok: true, span: result.data };
  const issue = result.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? '' : issue.path.join('.') + ': ';
  return { ok: false, message: `not a Zipkin v2 span: ${where}${issue?.message ?? 'invalid'}` };
}

