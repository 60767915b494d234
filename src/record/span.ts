import { b3Headers as formatB3 } from '../propagation/b3.js';
import { envOf, writeHeaders, type HeadersOptions, type OutgoingContext, type PropagationFormat } from '../propagation/formats.js';
import { cleanEndpoint, type Endpoint } from '../model/endpoint.js';
import type { DiagnosticKind } from '../model/diagnostic-kinds.js';
import { hexWords, newSpanId, newTraceId } from './ids.js';
import { MAX_NAME_LENGTH, MAX_TAG_KEY_LENGTH, MAX_VALUE_LENGTH, truncate } from '../model/limits.js';
import type { SpanContext } from '../model/span-context.js';
import type { Annotation, SpanKind, SpanRecord } from '../model/span-record.js';
import type { HttpClientSpanOptions, HttpSupport, ParentInfo, Span, SpanEnv, TracedOptions } from './span-api.js';
import type { ClientRequest } from 'node:http';
import type { Clock } from './clock.js';
import type { Diagnostics } from '../model/diagnostics.js';
import type { OpenSpans } from './open-spans.js';
import { putTag, tagKey, tagValueString, errorTagValue } from './tags.js';

/** What spans share with their tracer. */
export interface TracerCore {
  readonly endpoint: Endpoint;
  /** Sampled spans not yet ended, oldest first. */
  readonly openSpans: OpenSpans<RecordingSpan>;
  readonly defaultTags: Readonly<Record<string, string>> | undefined;
  readonly clock: Clock;
  readonly diagnostics: Diagnostics;
  readonly traceId128Bit: boolean;
  /** Tags set through `tag()` one span keeps at most. */
  readonly maxTagsPerSpan: number;
  /** Annotations one span keeps at most. */
  readonly maxAnnotationsPerSpan: number;
  /** The formats spans write their headers in (`propagation`). */
  readonly propagation: readonly PropagationFormat[];
  /** This service's W3C tracestate key, when it adds its own entry. */
  readonly tracestateKey: string | undefined;
  emit(span: RecordingSpan): void;
  /** HTTP client helpers, set by createTracer. */
  readonly http: HttpSupport | undefined;
  traced<A extends unknown[], R>(
    fn: (span: Span, ...args: A) => R,
    options: TracedOptions,
  ): (...args: A) => Promise<Awaited<R>>;
}

/** What spans of one traced function (or one startSpan call) share: set up once, not per call. */
export interface Site {
  readonly core: TracerCore;
  /** The parent span ID of every span of the site (fixed by its parent), if any. */
  readonly parentId: string | undefined;
  /** DEBUG, SHARED and RANDOM_TRACE, fixed by the parent too. */
  readonly flags: number;
  /** The W3C tracestate the trace came with, passed on unchanged; fixed by the parent. */
  readonly tracestate: string | undefined;
  /** Mutable only for a site of one span (`perCall`): a server span learns its route late. */
  name: string;
  /** True for a startSpan site, made for one span; false for a traced function's, shared by its calls. */
  readonly perCall: boolean;
  readonly kind: SpanKind | undefined;
  readonly tags: Readonly<Record<string, string>> | undefined;
  readonly remoteEndpoint: Endpoint | undefined;
}

const DEBUG = 1;
const SHARED = 2;
/** W3C random-trace-id: the trace ID's right-most 7 bytes are random (ours always are). */
const RANDOM_TRACE = 4;

/** Headers of `span` in the tracer's formats. Messages carry B3 as its single header. */
function headersOf(core: TracerCore, c: OutgoingContext, kind: SpanKind | undefined, options: HeadersOptions | undefined): Record<string, string> | Record<string, Buffer> {
  return writeHeaders(core.propagation, c, core.tracestateKey, options, kind === 'PRODUCER' || kind === 'CONSUMER');
}

/** The tracer's HTTP helpers (always set by createTracer). */
function httpOf(core: TracerCore): HttpSupport {
  const http = core.http;
  if (http === undefined) throw new TypeError('span.fetch and span.request need a tracer made by createTracer()');
  return http;
}

/**
 * A sampled span: the compact record that travels to the sink, and the handle user code holds
 * (unless orphan tracking wraps it in a `TrackedSpan`). Its own ID is two 32-bit words, made hex
 * only when read or encoded.
 */
export class RecordingSpan implements Span, SpanRecord, ParentInfo {
  readonly site: Site;
  readonly traceId: string;
  readonly idHigh: number;
  readonly idLow: number;
  /**
   * Start, epoch microseconds, rounded, as whole seconds and microseconds: two small integers
   * cost no memory of their own, where one large number would be a 16-byte box on every span.
   * (Whole seconds stay small integers until 2038, when they pass 2^31; then they are boxed.)
   */
  readonly startSeconds: number;
  readonly startMicros: number;
  /**
   * End, epoch microseconds (fractional); undefined while open. Not 0: a field that holds only
   * numbers is stored as a boxed double, so an open span would carry a 16-byte box for nothing.
   */
  finish: number | undefined = undefined;
  /** What few spans have, in one object made on first use: 16 bytes less per span in flight. */
  extra: SpanExtra | undefined = undefined;
  /** Neighbours in the tracer's list of open spans. */
  prev: RecordingSpan | undefined = undefined;
  next: RecordingSpan | undefined = undefined;

  // Parent ID, debug and shared are the site's: every span of a site has the same parent.
  constructor(site: Site, traceId: string, idHigh: number, idLow: number, start: number) {
    this.site = site;
    this.traceId = traceId;
    this.idHigh = idHigh;
    this.idLow = idLow;
    const t = Math.round(start);
    const seconds = Math.floor(t / 1e6);
    this.startSeconds = seconds;
    // `| 0`: the difference of two doubles would be stored as a 16-byte heap number, integral or not.
    this.startMicros = (t - seconds * 1e6) | 0;
    site.core.openSpans.add(this);
  }

  /** Start, epoch microseconds (an integer). */
  get start(): number {
    return this.startSeconds * 1e6 + this.startMicros;
  }
  get parentId(): string | undefined {
    return this.site.parentId;
  }

  /** The remote endpoint set on this span, if any. */
  get remote(): Endpoint | undefined {
    return this.extra?.remote;
  }
  /** Tags set on this span (not the site's or the tracer's). */
  get ownTags(): Record<string, string> | undefined {
    return this.extra?.tags;
  }
  /** Annotations, if any. */
  get events(): Annotation[] | undefined {
    return this.extra?.events;
  }

  get core(): TracerCore {
    return this.site.core;
  }
  get id(): string {
    return hexWords(this.idHigh, this.idLow);
  }

  get isRecording(): boolean {
    return true;
  }
  get sampled(): boolean {
    return true;
  }
  get spanId(): string {
    return this.id;
  }
  get debug(): boolean {
    return (this.site.flags & DEBUG) !== 0;
  }
  get shared(): boolean {
    return (this.site.flags & SHARED) !== 0;
  }
  get ended(): boolean {
    return this.finish !== undefined;
  }
  get name(): string {
    return this.site.name;
  }
  get kind(): SpanKind | undefined {
    return this.site.kind;
  }
  get timestamp(): number {
    return this.start;
  }
  get duration(): number {
    // Integer microseconds, at least 1, even if an injected clock went backwards. The end is
    // rounded like the start and annotations, so whatever happened inside stays inside.
    const d = Math.round(this.finish ?? this.start) - this.start;
    return d >= 1 ? d : 1;
  }
  get localEndpoint(): Endpoint {
    return this.core.endpoint;
  }
  get remoteEndpoint(): Endpoint | undefined {
    return this.remote ?? this.site.remoteEndpoint;
  }
  get tags(): Readonly<Record<string, string>> {
    return { ...this.core.defaultTags, ...this.site.tags, ...this.ownTags };
  }
  get annotations(): readonly Annotation[] {
    return this.events ?? [];
  }
  get context(): SpanContext {
    const tracestate = this.site.tracestate;
    const context: SpanContext = {
      traceId: this.traceId,
      spanId: this.id,
      parentId: this.parentId,
      sampled: true,
      debug: this.debug,
      shared: this.shared,
    };
    return tracestate === undefined ? context : { ...context, tracestate };
  }
  get tracestate(): string | undefined {
    return this.site.tracestate;
  }
  get randomTraceId(): boolean {
    return (this.site.flags & RANDOM_TRACE) !== 0;
  }

  annotate(value: string, timestampMicros?: number): this {
    if (!isOpen(this, 'annotate')) return this;
    let ts: number;
    if (timestampMicros === undefined) {
      ts = Math.round(this.core.clock.now());
      if (ts < this.start) ts = this.start;
    } else if (typeof timestampMicros === 'number' && Number.isFinite(timestampMicros) && timestampMicros > 0) {
      ts = Math.round(timestampMicros);
    } else {
      complainOn(this, 'BAD_ANNOTATION', 'an annotation timestamp must be positive epoch microseconds; the current time was used');
      ts = Math.round(this.core.clock.now());
    }
    let text: string;
    if (typeof value === 'string' && value !== '') {
      // A long value goes through tagValueString, which cuts it and reports the cut once per kind.
      text = value.length > MAX_VALUE_LENGTH ? (tagValueString(value, (k, m) => complainOn(this, k, m)) ?? '') : value;
    } else {
      const coerced = value === undefined || value === null ? undefined : tagValueString(value, (k, m) => complainOn(this, k, m));
      if (coerced === undefined || coerced === '') {
        complainOn(this, 'BAD_ANNOTATION', 'an annotation value must be a non-empty string; it was dropped');
        return this;
      }
      text = coerced;
    }
    const events = (extraOf(this).events ??= []);
    if (events.length >= this.core.maxAnnotationsPerSpan) {
      complainOn(this, 'TOO_MANY_ANNOTATIONS', `a span already had ${this.core.maxAnnotationsPerSpan} annotations (maxAnnotationsPerSpan); later ones were dropped (span "${this.site.name}")`);
      return this;
    }
    events.push({ timestamp: ts, value: text });
    return this;
  }

  tag(key: string, value: unknown): this {
    if (!isOpen(this, 'tag')) return this;
    // The common case, a short string key and value, makes no closure and no call.
    const name = typeof key === 'string' && key !== '' && key.length <= MAX_TAG_KEY_LENGTH ? key : tagKey(key, (k, m) => complainOn(this, k, m));
    if (name === undefined) return this;
    const text = typeof value === 'string' && value.length <= MAX_VALUE_LENGTH ? value : tagValueString(value, (k, m) => complainOn(this, k, m));
    if (text === undefined) return this;
    const extra = extraOf(this);
    const tags = (extra.tags ??= {});
    if (!Object.hasOwn(tags, name)) {
      if (extra.tagCount >= this.core.maxTagsPerSpan) {
        complainOn(this, 'TOO_MANY_TAGS', `a span already had ${this.core.maxTagsPerSpan} tags (maxTagsPerSpan); later new tags were dropped (span "${this.site.name}")`);
        return this;
      }
      extra.tagCount++;
    }
    putTag(tags, name, text);
    return this;
  }

  setRemoteEndpoint(endpoint: Endpoint): this {
    if (!isOpen(this, 'setRemoteEndpoint')) return this;
    extraOf(this).remote = cleanEndpoint(endpoint, (k, m) => complainOn(this, k, m));
    return this;
  }

  b3Headers(format: 'multi' | 'single' = 'multi'): Record<string, string> {
    handOut(this);
    return formatB3(this.context, format);
  }
  headers(options?: HeadersOptions & { readonly encoding?: 'string' }): Record<string, string>;
  headers(options: HeadersOptions & { readonly encoding: 'bytes' }): Record<string, Buffer>;
  headers(options?: HeadersOptions): Record<string, string> | Record<string, Buffer>;
  headers(options?: HeadersOptions): Record<string, string> | Record<string, Buffer> {
    handOut(this);
    return headersOf(this.core, outgoingOf(this), this.site.kind, options);
  }
  env(): SpanEnv {
    return envOf(this.core.propagation, outgoingOf(this), this.core.tracestateKey) as unknown as SpanEnv;
  }

  fetch(input: string | URL | Request, init?: RequestInit, options?: HttpClientSpanOptions): Promise<Response> {
    return httpOf(this.core).fetch(this, input, init, options);
  }
  request(...args: unknown[]): ClientRequest {
    return httpOf(this.core).request(this, args);
  }
  traced<A extends unknown[], R>(
    fn: (span: Span, ...args: A) => R,
    options?: Omit<TracedOptions, 'parent'>,
  ): (...args: A) => Promise<Awaited<R>> {
    return this.core.traced(fn, { ...options, parent: this });
  }

  end(endTimestampMicros?: number): void {
    if (this.finish !== undefined) return;
    const core = this.site.core;
    const t = endTimestampMicros === undefined || !Number.isFinite(endTimestampMicros) ? core.clock.now() : endTimestampMicros;
    // A number, whatever the clock returned: `finish` set is what marks the span ended.
    this.finish = typeof t === 'number' && t === t ? t : this.start;
    core.openSpans.remove(this);
    core.emit(this);
  }

  /**
   * Ends a span that its code never ended, marked with an annotation and a tag (as Brave marks
   * orphaned spans): `tagKey` is `orphaned` or `unfinished`, `reason` says why. The caller has
   * already taken it off the open list.
   */
  cutOff(finish: number, annotation: string, tagKey: string, reason: string): void {
    if (this.finish !== undefined) return;
    this.finish = finish > this.start ? finish : this.start;
    const extra = extraOf(this);
    (extra.events ??= []).push({ timestamp: Math.round(this.finish), value: annotation });
    putTag((extra.tags ??= {}), tagKey, reason);
    this.site.core.emit(this);
  }

  /** The last time the span is known to have been alive: its start or its latest annotation. */
  lastKnownTime(): number {
    let t = this.start;
    const events = this.events;
    if (events !== undefined) for (const a of events) if (a.timestamp > t) t = a.timestamp;
    return t;
  }

  fail(error: unknown, endTimestampMicros?: number): void {
    if (this.finish !== undefined) return;
    (extraOf(this).tags ??= {}).error = truncate(errorTagValue(error), MAX_VALUE_LENGTH);
    this.end(endTimestampMicros);
  }
}

// Functions, not private methods: a class with private methods gives each instance a brand field.

/** Headers given to user code: a request carrying them is watched on the wire for this span. */
function handOut(span: RecordingSpan): void {
  if (span.ended) return;
  span.core.http?.handedOut(span, span.id);
}

/**
 * A span's propagation headers for the library's own HTTP helpers, which watch the wire
 * themselves: no hand-out.
 */
export function helperHeaders(span: Span): Record<string, string> {
  const rec = span instanceof TrackedSpan ? span.span : span;
  if (rec instanceof RecordingSpan) return headersOf(rec.core, outgoingOf(rec), rec.site.kind, undefined) as Record<string, string>;
  return span.headers();
}

function outgoingOf(span: RecordingSpan): OutgoingContext {
  return { traceId: span.traceId, spanId: span.id, parentId: span.parentId, sampled: true, debug: span.debug, tracestate: span.site.tracestate, randomTraceId: span.randomTraceId };
}
function complainOn(span: RecordingSpan, kind: DiagnosticKind, message: string): void {
  span.site.core.diagnostics.report(kind, message);
}

function isOpen(span: RecordingSpan, what: string): boolean {
  if (span.finish === undefined) return true;
  span.site.core.diagnostics.report('SPAN_ALREADY_ENDED', `${what} on a span that has already ended was ignored (span "${span.site.name}")`);
  return false;
}

function extraOf(span: RecordingSpan): SpanExtra {
  return (span.extra ??= { remote: undefined, tags: undefined, tagCount: 0, events: undefined });
}

/** The rarely used parts of a recording span. */
export interface SpanExtra {
  remote: Endpoint | undefined;
  tags: Record<string, string> | undefined;
  /** Keys in `tags` set through `tag()`, for maxTagsPerSpan. */
  tagCount: number;
  events: Annotation[] | undefined;
}

/** Flags for a new recording span. */
export function spanFlags(debug: boolean, shared: boolean, randomTrace = false): number {
  return (debug ? DEBUG : 0) | (shared ? SHARED : 0) | (randomTrace ? RANDOM_TRACE : 0);
}

/** Whether the trace a parent continues (or a new one, with none) has a random trace ID (W3C). */
export function randomTraceOf(parent: ParentInfo | null): boolean {
  return parent?.traceId === undefined ? true : parent.randomTraceId === true;
}

/**
 * An unsampled span: records nothing and emits nothing, but still propagates (`x-b3-sampled: 0`).
 * Its IDs are made only if someone asks for them, so an unsampled call costs close to nothing.
 */
export class NoopSpan implements Span, ParentInfo {
  readonly core: TracerCore;
  readonly parent: ParentInfo | null;
  /** The parent's own span, joined (`startSpan` with `join`), rather than a child of it. */
  readonly joined: boolean;
  #traceId: string | undefined = undefined;
  #id: string | undefined = undefined;

  constructor(core: TracerCore, parent: ParentInfo | null, joined = false) {
    this.core = core;
    this.parent = parent;
    this.joined = joined && parent?.spanId !== undefined;
  }

  get isRecording(): boolean {
    return false;
  }
  get sampled(): boolean {
    return false;
  }
  get debug(): boolean {
    return false;
  }
  get traceId(): string {
    return (this.#traceId ??= this.parent?.traceId ?? newTraceId(this.core.traceId128Bit));
  }
  get spanId(): string {
    return (this.#id ??= (this.joined ? this.parent?.spanId : undefined) ?? newSpanId());
  }
  get parentId(): string | undefined {
    if (this.joined) return this.parent?.parentId;
    return this.parent?.traceId === undefined ? undefined : this.parent.spanId;
  }
  get context(): SpanContext {
    const context: SpanContext = { traceId: this.traceId, spanId: this.spanId, parentId: this.parentId, sampled: false, debug: false, shared: this.joined };
    const tracestate = this.tracestate;
    return tracestate === undefined ? context : { ...context, tracestate };
  }
  get tracestate(): string | undefined {
    return this.parent?.traceId === undefined ? undefined : this.parent.tracestate;
  }
  get randomTraceId(): boolean {
    return randomTraceOf(this.parent);
  }
  #outgoing(): OutgoingContext {
    return { traceId: this.traceId, spanId: this.spanId, parentId: this.parentId, sampled: false, debug: false, tracestate: this.tracestate, randomTraceId: this.randomTraceId };
  }
  headers(options?: HeadersOptions & { readonly encoding?: 'string' }): Record<string, string>;
  headers(options: HeadersOptions & { readonly encoding: 'bytes' }): Record<string, Buffer>;
  headers(options?: HeadersOptions): Record<string, string> | Record<string, Buffer>;
  headers(options?: HeadersOptions): Record<string, string> | Record<string, Buffer> {
    return headersOf(this.core, this.#outgoing(), undefined, options);
  }
  env(): SpanEnv {
    return envOf(this.core.propagation, this.#outgoing(), this.core.tracestateKey) as unknown as SpanEnv;
  }
  annotate(): this {
    return this;
  }
  tag(): this {
    return this;
  }
  setRemoteEndpoint(): this {
    return this;
  }
  b3Headers(format: 'multi' | 'single' = 'multi'): Record<string, string> {
    return formatB3(this.context, format);
  }
  fetch(input: string | URL | Request, init?: RequestInit, options?: HttpClientSpanOptions): Promise<Response> {
    return httpOf(this.core).fetch(this, input, init, options);
  }
  request(...args: unknown[]): ClientRequest {
    return httpOf(this.core).request(this, args);
  }
  traced<A extends unknown[], R>(
    fn: (span: Span, ...args: A) => R,
    options?: Omit<TracedOptions, 'parent'>,
  ): (...args: A) => Promise<Awaited<R>> {
    return this.core.traced(fn, { ...options, parent: this });
  }
  end(): void {}
  fail(): void {}
}

/**
 * The handle of a sampled span when orphan tracking is on: user code holds this, the tracer holds
 * only the record, so when this handle is garbage collected unfinished the record is still there
 * to be emitted as orphaned.
 */
export class TrackedSpan implements Span, ParentInfo {
  readonly span: RecordingSpan;

  constructor(span: RecordingSpan) {
    this.span = span;
  }

  get context(): SpanContext {
    return this.span.context;
  }
  get isRecording(): boolean {
    return true;
  }
  get traceId(): string {
    return this.span.traceId;
  }
  get spanId(): string {
    return this.span.id;
  }
  get parentId(): string | undefined {
    return this.span.parentId;
  }
  get sampled(): boolean {
    return true;
  }
  get debug(): boolean {
    return this.span.debug;
  }
  annotate(value: string, timestampMicros?: number): this {
    this.span.annotate(value, timestampMicros);
    return this;
  }
  tag(key: string, value: unknown): this {
    this.span.tag(key, value);
    return this;
  }
  setRemoteEndpoint(endpoint: Endpoint): this {
    this.span.setRemoteEndpoint(endpoint);
    return this;
  }
  b3Headers(format: 'multi' | 'single' = 'multi'): Record<string, string> {
    return this.span.b3Headers(format);
  }
  get tracestate(): string | undefined {
    return this.span.tracestate;
  }
  get randomTraceId(): boolean {
    return this.span.randomTraceId;
  }
  headers(options?: HeadersOptions & { readonly encoding?: 'string' }): Record<string, string>;
  headers(options: HeadersOptions & { readonly encoding: 'bytes' }): Record<string, Buffer>;
  headers(options?: HeadersOptions): Record<string, string> | Record<string, Buffer>;
  headers(options?: HeadersOptions): Record<string, string> | Record<string, Buffer> {
    return this.span.headers(options);
  }
  env(): SpanEnv {
    return this.span.env();
  }
  fetch(input: string | URL | Request, init?: RequestInit, options?: HttpClientSpanOptions): Promise<Response> {
    return httpOf(this.span.core).fetch(this, input, init, options);
  }
  request(...args: unknown[]): ClientRequest {
    return httpOf(this.span.core).request(this, args);
  }
  traced<A extends unknown[], R>(
    fn: (span: Span, ...args: A) => R,
    options?: Omit<TracedOptions, 'parent'>,
  ): (...args: A) => Promise<Awaited<R>> {
    return this.span.core.traced(fn, { ...options, parent: this });
  }
  end(endTimestampMicros?: number): void {
    this.span.end(endTimestampMicros);
  }
  fail(error: unknown, endTimestampMicros?: number): void {
    this.span.fail(error, endTimestampMicros);
  }
}

/** Whether `span` has ended (an unsampled span never records, so it counts as open). */
export function spanEnded(span: Span): boolean {
  const rec = span instanceof TrackedSpan ? span.span : span;
  return rec instanceof RecordingSpan && rec.ended;
}

/** Whether the span has a remote endpoint, its own or its site's. */
export function hasRemoteEndpoint(span: Span): boolean {
  const rec = span instanceof TrackedSpan ? span.span : span;
  return rec instanceof RecordingSpan && (rec.remote !== undefined || rec.site.remoteEndpoint !== undefined);
}

/** Whether the span's own tags (set with `tag`) include `key`: a helper leaves an `error` set by the user alone. */
export function hasOwnTag(span: Span, key: string): boolean {
  const rec = span instanceof TrackedSpan ? span.span : span;
  return rec instanceof RecordingSpan && rec.ownTags !== undefined && Object.hasOwn(rec.ownTags, key);
}

/**
 * Renames a span that is still open, when it is the only span of its site (one made by
 * `startSpan`): a server span learns its route (`GET /objects/:id`) only after routing. Returns
 * false, changing nothing, for an ended or unsampled span or a traced function's span.
 */
export function renameSpan(span: Span, name: string): boolean {
  const rec = span instanceof TrackedSpan ? span.span : span;
  if (!(rec instanceof RecordingSpan) || rec.ended || !rec.site.perCall || typeof name !== 'string' || name === '') return false;
  rec.site.name = truncate(name, MAX_NAME_LENGTH);
  return true;
}
