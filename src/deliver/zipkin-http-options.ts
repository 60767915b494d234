import { z } from 'zod';
import type { ErrorHandler } from '../model/diagnostics.js';
import { parseOptions } from '../model/options-error.js';

/** Where spans go when neither `url` nor `OTEL_EXPORTER_ZIPKIN_ENDPOINT` says otherwise. */
export const DEFAULT_ZIPKIN_URL = 'http://localhost:9411/api/v2/spans';

/** Options of `zipkinHttpSink`. Every one is optional. */
export interface ZipkinHttpSinkOptions {
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
   * A request that has not been answered after this long is aborted and retried.
   * @default 10000
   */
  readonly timeoutMillis?: number;
  /** Spans in one POST at most. @default 1000 */
  readonly maxBatchSpans?: number;
  /** Bytes of JSON in one POST at most (a single larger span is still sent, alone). @default 5000000 */
  readonly maxBatchBytes?: number;
  /** How long a span may wait for its batch to fill before it is sent. @default 1000 */
  readonly flushIntervalMillis?: number;
  /** Spans waiting to be sent (queued or retrying) at most; past it new spans are dropped and counted. @default 100000 */
  readonly maxQueueSpans?: number;
  /** Encoded bytes waiting to be sent at most; past it new spans are dropped and counted. @default 67108864 (64 MiB) */
  readonly maxQueueBytes?: number;
  /** Requests in flight at once at most. @default 4 */
  readonly maxInFlight?: number;
  /** Retries of one batch after network errors, timeouts, 429 and 5xx; then it is dropped as expired. @default 10 */
  readonly maxRetries?: number;
  /** Wait before the first retry; it doubles on each retry. @default 200 */
  readonly initialBackoffMillis?: number;
  /** Longest wait between retries (a longer `Retry-After` is still honoured). @default 10000 */
  readonly maxBackoffMillis?: number;
  /** Fraction of each wait that is random, 0 (none) to 1 (full jitter). @default 0.5 */
  readonly jitter?: number;
  /**
   * Trusted CA certificate(s), PEM, for an HTTPS collector with a private CA: the sink's own agent
   * trusts them instead of the usual public CAs, and the rest of the process is not affected.
   */
  readonly ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /** Called with every failure of this sink (per request, never per span). */
  readonly onError?: ErrorHandler;
  /** Warn once per kind of failure through `process.emitWarning`. @default true */
  readonly warnings?: boolean;
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

const int = (min: number, example: string) => {
  const error = `expected an integer >= ${min}, like ${example}`;
  return z.number({ error }).int({ error }).min(min, { error });
};

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
    timeoutMillis: int(1, '10000').default(10_000),
    maxBatchSpans: int(1, '1000').default(1000),
    maxBatchBytes: int(1024, '5000000').default(5_000_000),
    flushIntervalMillis: int(0, '1000').default(1000),
    maxQueueSpans: int(1, '100000').default(100_000),
    maxQueueBytes: int(1024, '67108864').default(64 * 1024 * 1024),
    maxInFlight: int(1, '4').default(4),
    maxRetries: int(0, '10').default(10),
    initialBackoffMillis: int(0, '200').default(200),
    maxBackoffMillis: int(0, '10000').default(10_000),
    jitter: z
      .number({ error: 'expected a number from 0 to 1, like 0.5' })
      .min(0, { error: 'expected a number from 0 to 1, like 0.5' })
      .max(1, { error: 'expected a number from 0 to 1, like 0.5' })
      .default(0.5),
    ca: z.union([pem, z.array(pem)], { error: 'expected PEM text (a string or a Buffer) or an array of them' }).optional(),
    onError: z.custom<ErrorHandler>((v) => typeof v === 'function', { error: 'expected a function (event) => void' }).optional(),
    warnings: z.boolean({ error: 'expected true or false' }).default(true),
  })
  .superRefine((o, ctx) => {
    for (const name of Object.keys(o.headers ?? {})) {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
        ctx.addIssue({ code: 'custom', path: ['headers', name], message: 'expected a header name of letters, digits and !#$%&\'*+.^_`|~- (no spaces or colons)' });
      }
    }
    if (o.maxBackoffMillis < o.initialBackoffMillis) {
      ctx.addIssue({ code: 'custom', path: ['maxBackoffMillis'], message: `expected at least initialBackoffMillis (${o.initialBackoffMillis})` });
    }
    const raw = o.url ?? process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT;
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
  const env = process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT;
  const raw = o.url ?? (env !== undefined && env !== '' ? env : DEFAULT_ZIPKIN_URL);
  return {
    url: new URL(raw),
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
