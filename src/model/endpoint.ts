import type { DiagnosticKind } from './diagnostic-kinds.js';
import { isIPv4, isIPv6 } from 'node:net';

/** The network context of a service: who recorded a span, or who was on the other side. */
export interface Endpoint {
  /** Lowercase service name. */
  readonly serviceName?: string;
  /** IPv4 address, e.g. `10.0.0.7`. */
  readonly ipv4?: string;
  /** IPv6 address, e.g. `2001:db8::c001`. */
  readonly ipv6?: string;
  /** Port, 1 to 65535. */
  readonly port?: number;
}

/** Highest TCP/UDP port. */
export const MAX_PORT = 65535;

/** The port rule of spans we write: an integer from 1 to 65535 (leave it out when unknown). */
export function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_PORT;
}

/** Longest service name kept; longer ones are cut. */
export const MAX_SERVICE_NAME_LENGTH = 256;

/** Reports a field that was dropped or coerced; called by the span with its diagnostics. */
export type Complain = (kind: DiagnosticKind, message: string) => void;

/**
 * Turns whatever a caller passed as an endpoint into one Zipkin accepts: a field that would make
 * Zipkin reject the span (a NaN or zero port, an invalid IP) is dropped and reported.
 * Returns `undefined` when nothing usable remains.
 */
export function cleanEndpoint(input: unknown, complain: Complain): Endpoint | undefined {
  if (input === undefined || input === null) return undefined;
  if (typeof input !== 'object') {
    complain('BAD_ENDPOINT', `an endpoint must be an object like { serviceName, ipv4, ipv6, port }, got ${typeof input}; it was dropped`);
    return undefined;
  }
  const raw = input as Record<string, unknown>;
  const out: { serviceName?: string; ipv4?: string; ipv6?: string; port?: number } = {};
  let serviceName: unknown, ipv4: unknown, ipv6: unknown, port: unknown;
  try {
    // A Proxy or a throwing getter must not throw into the caller's code.
    ({ serviceName, ipv4, ipv6, port } = raw);
  } catch {
    complain('BAD_ENDPOINT', 'reading the endpoint threw (a getter or a Proxy); it was dropped');
    return undefined;
  }
  if (serviceName !== undefined) {
    if (typeof serviceName === 'string' && serviceName.trim() !== '') {
      out.serviceName = serviceName.trim().toLowerCase().slice(0, MAX_SERVICE_NAME_LENGTH);
    } else {
      complain('BAD_ENDPOINT', 'endpoint serviceName must be a non-empty string; it was dropped');
    }
  }
  if (ipv4 !== undefined) {
    if (typeof ipv4 === 'string' && isIPv4(ipv4)) out.ipv4 = ipv4;
    else complain('BAD_ENDPOINT', 'endpoint ipv4 must be an IPv4 address like 10.0.0.7; it was dropped');
  }
  if (ipv6 !== undefined) {
    const bare = typeof ipv6 === 'string' && ipv6.startsWith('[') && ipv6.endsWith(']') ? ipv6.slice(1, -1) : ipv6;
    // node:net accepts a zone (fe80::1%eth0); Zipkin's model takes the address alone.
    if (typeof bare === 'string' && isIPv6(bare) && !bare.includes('%')) out.ipv6 = bare.toLowerCase();
    else complain('BAD_ENDPOINT', 'endpoint ipv6 must be an IPv6 address like 2001:db8::c001; it was dropped');
  }
  if (port !== undefined) {
    if (isPort(port)) out.port = port;
    else complain('BAD_ENDPOINT', 'endpoint port must be an integer from 1 to 65535; it was dropped');
  }
  return out.serviceName === undefined && out.ipv4 === undefined && out.ipv6 === undefined && out.port === undefined
    ? undefined
    : out;
}
