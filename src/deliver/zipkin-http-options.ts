import { INVALID, oneOf, optional, parseOptions, recordOf, rule, type Checked, type Output, type Rule } from '../model/option-rules.js';
import { checkBackoff, deliveryOptionsShape, type DeliveringSinkOptions } from './delivery-options.js';

/** Where spans go when neither `url` nor `OTEL_EXPORTER_ZIPKIN_ENDPOINT` says otherwise. */
export const DEFAULT_ZIPKIN_URL = 'http://localhost:9411/api/v2/spans';

/** Zipkin's span endpoint, relative to its base. */
export const SPANS_PATH = 'api/v2/spans';

/** Longest piece of a collector's error body kept for messages. */
export const MAX_ERROR_BODY = 500;

/** What the sink needs from a collector's answer to a POST. */
export interface PostResult {
  readonly status: number;
  /** The `retry-after` header, as sent. */
  readonly retryAfter: string | null;
  /** The `location` header of a redirect, as sent. */
  readonly location: string | null;
  /** The body, read only for failures, at most `MAX_ERROR_BODY` characters. */
  readonly text: string;
}

/** The answer to every 2xx: nothing of it is read, so every one is the same (here, not in the HTTP module the sink loads on first use). */
export const ACCEPTED: PostResult = Object.freeze({ status: 200, retryAfter: null, location: null, text: '' });

/**
 * A base URL (`http://host:9411`, `…/zipkin/`), as the CLI takes, means the span endpoint under it:
 * posting to the base would answer a redirect or 405 and lose every batch.
 */
export function spansUrl(url: URL): URL {
  const path = url.pathname;
  if (path === '/' || /\/zipkin\/?$/.test(path)) {
    // `/zipkin/` is the UI's path; the API lives beside it, at the base.
    const out = new URL(url);
    out.pathname = `${path.replace(/\/zipkin\/?$/, '').replace(/\/+$/, '')}/${SPANS_PATH}`;
    return out;
  }
  return url;
}

/** `OTEL_EXPORTER_ZIPKIN_ENDPOINT`, the one place it is read; undefined when unset or empty. */
export function zipkinUrlFromEnvironment(): string | undefined {
  const env = process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT;
  return env === undefined || env === '' ? undefined : env;
}

/** Options of `zipkinHttpSink`. Every one is optional. */
export interface ZipkinHttpSinkOptions extends DeliveringSinkOptions {
  /**
   * Zipkin's span endpoint, `POST /api/v2/spans` (or anything that speaks it: the OpenTelemetry
   * Collector's zipkin receiver, Jaeger). No credentials in the URL: put them in `headers`.
   * @default process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT, else 'http://localhost:9411/api/v2/spans'
   */
  readonly url?: string;
  /**
   * Extra request headers, e.g. `{ authorization: 'Bearer …' }`. Their values never appear in
   * stats, warnings or `onError` messages.
   */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Trusted CA certificate(s), PEM, for an HTTPS collector with a private CA: the sink's own agent
   * trusts them instead of the usual public CAs, and the rest of the process is not affected.
   */
  readonly ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /**
   * How bodies are compressed: `gzip` (level 1, on libuv's thread pool, not the event loop: a
   * 1,000-span batch is about 12 times smaller) or `none`. Zipkin takes `Content-Encoding: gzip`.
   * @default 'none' for a collector on a loopback address (localhost, 127.0.0.0/8, ::1), else 'gzip'
   */
  readonly compression?: 'gzip' | 'none';
  /**
   * The body's format: Zipkin's JSON v2 (`application/json`) or proto3 `ListOfSpans`
   * (`application/x-protobuf`, about half the bytes, as Zipkin's `zipkin.proto` defines it).
   * @default 'json'
   */
  readonly encoding?: 'json' | 'proto3';
}


const headerName = {
  test: (name: string) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name),
  error: 'expected a header name of letters, digits and !#$%&\'*+.^_`|~- (no spaces or colons)',
};

// The value itself is never repeated in a message: it is usually a credential.
const headerValue: Rule<string> = (value, path, problems) => {
  const problem = typeof value !== 'string'
    ? 'expected string header values, like { authorization: "Bearer …" }'
    : /[\r\n\0]/.test(value) ? 'expected a header value without line breaks or NUL characters' : undefined;
  if (problem === undefined) return value as string;
  problems.push(`${path}: ${problem}`);
  return INVALID;
};

const isPem = (v: unknown): v is string | Buffer => typeof v === 'string' || Buffer.isBuffer(v);

const ca: Rule<Array<string | Buffer>> = (value, path, problems) => {
  if (isPem(value)) return [value];
  if (Array.isArray(value) && value.every(isPem)) return [...value];
  problems.push(`${path}: expected PEM text (a string or a Buffer) or an array of them`);
  return INVALID;
};

const shape = {
  url: optional(rule((v): v is string => typeof v === 'string', `expected a URL string, like "${DEFAULT_ZIPKIN_URL}"`)),
  headers: optional(recordOf(headerValue, 'expected an object of header values, like { authorization: "Bearer …" }', headerName)),
  ...deliveryOptionsShape,
  ca: optional(ca),
  compression: optional(oneOf(['gzip', 'none'], "expected 'gzip' or 'none' (the default is 'none' on loopback, else 'gzip')")),
  encoding: optional(oneOf(['json', 'proto3'], "expected 'json' (the default) or 'proto3'")),
};

/** Options after validation, with defaults applied: the URL resolved, compression and encoding decided. */
export type ResolvedZipkinHttpSinkOptions = Omit<Output<typeof shape>, 'url' | 'headers' | 'compression' | 'encoding'> & {
  url: URL;
  headers: Record<string, string>;
  compression: 'gzip' | 'none';
  encoding: 'json' | 'proto3';
};

/** Whether a URL's host is this machine: there, compressing costs CPU and saves nothing. */
export function isLoopbackUrl(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** What no single option shows: the URL (from `url` or the environment) and whether `ca` applies to it. */
function checkAcross(o: Checked<typeof shape>, problems: string[]): void {
  checkBackoff(o, problems);
  if (o.url === INVALID) return;
  const raw = o.url ?? zipkinUrlFromEnvironment();
  if (raw === undefined) return;
  const fromEnvironment = o.url === undefined ? ' (read from OTEL_EXPORTER_ZIPKIN_ENDPOINT)' : '';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // The text is not echoed: it may hold credentials.
    problems.push(`url: expected an absolute http(s) URL, like "${DEFAULT_ZIPKIN_URL}"${fromEnvironment}`);
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') problems.push(`url: expected an http: or https: URL, got ${url.protocol}`);
  if (url.username !== '' || url.password !== '') {
    problems.push('url: credentials in the URL would leak into messages and logs; pass them in headers, e.g. { authorization: "Basic …" }');
  }
  if (o.ca !== undefined && o.ca !== INVALID && url.protocol !== 'https:') problems.push('ca: a CA only applies to an https: URL; remove ca or use https://');
}

/**
 * Validates `zipkinHttpSink` options and applies the defaults.
 * @throws {OptionsError} naming each bad option, e.g. `maxInFlight: expected an integer >= 1, like 4`.
 */
export function resolveZipkinHttpSinkOptions(input: unknown): ResolvedZipkinHttpSinkOptions {
  const o = parseOptions('zipkinHttpSink', shape, input, checkAcross);
  const raw = o.url ?? zipkinUrlFromEnvironment() ?? DEFAULT_ZIPKIN_URL;
  const url = spansUrl(new URL(raw));
  return {
    ...o,
    url,
    headers: { ...o.headers },
    compression: o.compression ?? (isLoopbackUrl(url) ? 'none' : 'gzip'),
    encoding: o.encoding ?? 'json',
  };
}
