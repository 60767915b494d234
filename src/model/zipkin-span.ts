import { z } from 'zod';
import type { Endpoint } from './endpoint.js';
import { MAX_PORT } from './endpoint.js';
import { isValidSpanId, isValidTraceId, SPAN_ID_FORM, TRACE_ID_FORM } from './ids.js';
import { SPAN_KINDS, SPAN_KINDS_TEXT, type Annotation, type SpanKind } from './span-record.js';

/** A span in Zipkin's v2 JSON model, as a plain object. */
export interface ZipkinSpan {
  traceId: string;
  parentId?: string;
  id: string;
  kind?: SpanKind;
  name?: string;
  timestamp?: number;
  duration?: number;
  debug?: boolean;
  shared?: boolean;
  localEndpoint?: Endpoint;
  remoteEndpoint?: Endpoint;
  annotations?: Annotation[];
  tags?: Record<string, string>;
}

const epochMicros = z.int({ error: 'expected an integer (epoch microseconds)' }).min(0, { error: 'expected epoch microseconds, not negative' });

const endpointSchema = z.object({
  serviceName: z.exactOptional(z.string({ error: 'expected a string' })),
  ipv4: z.exactOptional(z.ipv4({ error: 'expected an IPv4 address like 10.0.0.7' })),
  ipv6: z.exactOptional(z.ipv6({ error: 'expected an IPv6 address like 2001:db8::c001' })),
  // Read leniently: 0 is what some tracers write for an unknown port, and Zipkin stores it.
  port: z.exactOptional(z.int({ error: `expected an integer from 0 to ${MAX_PORT}` }).min(0).max(MAX_PORT)),
});

/** Zipkin's v2 span model (zipkin2-api.yaml `Span`); unknown fields are ignored, as Zipkin does. */
export const zipkinSpanSchema = z.object({
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

/** Checks one decoded JSON value against the Zipkin v2 span model. */
export function parseSpan(value: unknown): { ok: true; span: ZipkinSpan } | { ok: false; message: string } {
  const result = zipkinSpanSchema.safeParse(value);
  if (result.success) return { ok: true, span: result.data };
  const issue = result.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? '' : issue.path.join('.') + ': ';
  return { ok: false, message: `not a Zipkin v2 span: ${where}${issue?.message ?? 'invalid'}` };
}

