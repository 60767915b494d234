/**
 * Where trace context travels: HTTP headers in every shape Node and fetch give them, and message
 * headers whose values are bytes (Kafka's `Buffer`s). Read by name, case-insensitively.
 * @module
 */
import type { IncomingHttpHeaders } from 'node:http';

/** A header value as message clients give it: text, bytes, or several of either. */
export type HeaderValue = string | Uint8Array | readonly (string | Uint8Array)[] | undefined;

/**
 * Anything headers can arrive in: a WHATWG `Headers`, a `Map`, Node's `IncomingHttpHeaders`, a
 * plain object, or message headers with `Buffer`/`Uint8Array` values (Kafka). Names match
 * case-insensitively.
 *
 * @example
 * tracer.extract(req.headers);                          // node:http
 * tracer.extract(new Headers({ b3: '0' }));             // fetch
 * tracer.extract(message.headers ?? {});                // kafkajs: { traceparent: Buffer }
 */
export type Carrier =
  | Headers
  | IncomingHttpHeaders
  | ReadonlyMap<string, HeaderValue>
  | Readonly<Record<string, HeaderValue>>;

/** Why a present header cannot be used. */
export interface BadValue {
  readonly bad: string;
}

/** Bytes as text: trace context is ASCII, so each byte is one character (latin1). */
export function decodeBytes(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function one(name: string, v: unknown, max: number): string | BadValue {
  if (typeof v === 'string') return v.length > max ? { bad: `${name}: longer than ${max} characters` } : v;
  if (v instanceof Uint8Array) return v.byteLength > max ? { bad: `${name}: longer than ${max} characters` } : decodeBytes(v);
  return { bad: `${name}: value is neither text nor bytes` };
}

/** One value, or several joined as a list (RFC 9110: a list header may come as several fields). */
export function normalise(name: string, v: unknown, list: boolean, max: number): string | undefined | BadValue {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) return one(name, v, max);
  if (v.length === 0) return undefined;
  if (!list && v.length > 1) return { bad: `${name}: sent more than once` };
  const parts: string[] = [];
  let length = 0;
  for (const item of v as unknown[]) {
    const text = one(name, item, max);
    if (typeof text !== 'string') return text;
    length += text.length + 1;
    if (length > max + 1) return { bad: `${name}: longer than ${max} characters` };
    parts.push(text);
  }
  return parts.join(',');
}
