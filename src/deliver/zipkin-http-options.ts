import { z } from 'zod';
import type { ErrorHandler } from '../model/diagnostics.js';
import { checkBackoff, deliveryOptionsShape, type DeliveringSinkOptions } from './delivery-options.js';
import { parseOptions } from '../model/options-error.js';

/** Where spans go when neither `url` nor `OTEL_EXPORTER_ZIPKIN_ENDPOINT` says otherwise. */
export const DEFAULT_ZIPKIN_URL = 'http://localhost:9411/api/v2/spans';

/** Zipkin's span endpoint, relative to its base. */
export const SPANS_PATH = 'api/v2/spans';

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
}

/** Options after validation, with defaults applied. */
export interface ResolvedZipkinHttpSinkOptions {
  url: URL;
  headers: Record<string, string>;
  timeoutMillis: number;
  maxBatchSpans: number;
  maxBatchBytes: number;
  flushIntervalMillis: number;
  maxQueueSpans: number;
  maxQueueBytes: number;
  maxInFlight: number;
  maxRetries: number;
  initialBackoffMillis: number;
  maxBackoffMillis: number;
  jitter: number;
  ca: Array<string | Buffer> | undefined;
  onError: ErrorHandler | undefined;
  warnings: boolean;
}

const pem = z.union([z.string(), z.instanceof(Buffer)], { error: 'expected PEM text (a string or a Buffer), e.g. fs.readFileSync("ca.pem")' });

const schema = z
  .strictObject({
    url: z
      .string({ error: 'expected a URL string, like "http://localhost:9411/api/v2/spans"' })
      .optional(),
    headers: z
      .record(
        z.string(),
        z
          .string({ error: 'expected string header values, like { authorization: "Bearer …" }' })
          // The value itself is never repeated in the message: it is usually a credential.
          .regex(/^[^\r\n\0]*$/, { error: 'expected a header value without line breaks or NUL characters' }),
      )
      .optional(),
    ...deliveryOptionsShape,
    ca: z.union([pem, z.array(pem)], { error: 'expected PEM text (a string or a Buffer) or an array of them' }).optional(),
  })
  .superRefine((o, ctx) => {
    for (const name of Object.keys(o.headers ?? {})) {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
        ctx.addIssue({ code: 'custom', path: ['headers', name], message: 'expected a header name of letters, digits and !#$%&\'*+.^_`|~- (no spaces or colons)' });
      }
    }
    checkBackoff(o, ctx);
    const raw = o.url ?? zipkinUrlFromEnvironment();
    if (raw === undefined || raw === '') return;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      // The text is not echoed: it may hold credentials.
      ctx.addIssue({ code: 'custom', path: ['url'], message: `expected an absolute http(s) URL, like "${DEFAULT_ZIPKIN_URL}"${o.url === undefined ? ' (read from OTEL_EXPORTER_ZIPKIN_ENDPOINT)' : ''}` });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', path: ['url'], message: `expected an http: or https: URL, got ${url.protocol}` });
    }
    if (url.username !== '' || url.password !== '') {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'credentials in the URL would leak into messages and logs; pass them in headers, e.g. { authorization: "Basic …" }' });
    }
    if (o.ca !== undefined && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', path: ['ca'], message: 'a CA only applies to an https: URL; remove ca or use https://' });
    }
  });

/**
 * Validates `zipkinHttpSink` options and applies the defaults.
 * @throws {OptionsError} naming each bad option, e.g. `maxInFlight: expected an integer >= 1, like 4`.
 */
export function resolveZipkinHttpSinkOptions(input: unknown): ResolvedZipkinHttpSinkOptions {
  const o = parseOptions('zipkinHttpSink', schema, input);
  const raw = o.url ?? zipkinUrlFromEnvironment() ?? DEFAULT_ZIPKIN_URL;
  return {
    url: spansUrl(new URL(raw)),
    headers: { ...o.headers },
    timeoutMillis: o.timeoutMillis,
    maxBatchSpans: o.maxBatchSpans,
    maxBatchBytes: o.maxBatchBytes,
    flushIntervalMillis: o.flushIntervalMillis,
    maxQueueSpans: o.maxQueueSpans,
    maxQueueBytes: o.maxQueueBytes,
    maxInFlight: o.maxInFlight,
    maxRetries: o.maxRetries,
    initialBackoffMillis: o.initialBackoffMillis,
    maxBackoffMillis: o.maxBackoffMillis,
    jitter: o.jitter,
    ca: o.ca === undefined ? undefined : Array.isArray(o.ca) ? [...o.ca] : [o.ca as string | Buffer],
    onError: o.onError,
    warnings: o.warnings,
  };
}
