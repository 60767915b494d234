import type { DiagnosticKind } from '../model/diagnostic-kinds.js';
import { monotonicClock, type Clock } from './clock.js';
import type { Diagnostics } from '../model/diagnostics.js';
import { cleanEndpoint, type Endpoint } from '../model/endpoint.js';
import { DEFAULT_EXIT_SIGNALS, unwatchExit, watchExit } from './exit-handler.js';
import { hexHigh, hexLow, idWord, newSpanIdWords, newTraceId } from './ids.js';
import { MAX_NAME_LENGTH, truncate } from '../model/limits.js';
import type { ResolvedTracerOptions } from './tracer-options.js';
import { OpenSpans } from './open-spans.js';
import { DEFAULT_FLUSH_TIMEOUT_MILLIS, droppedTotal, type FlushOptions, type FlushResult, type Sink, type SinkStats, type SpanQueue } from '../model/sink.js';
import { NoopSpan, randomTraceOf, RecordingSpan, spanFlags, TrackedSpan, type Site, type TracerCore } from './span.js';
import { hasIds, readParent } from './parent.js';
import { checkOptionKeys, OptionsError } from '../model/options-error.js';
import { Sampler } from './sampler.js';
import { isSpanKind, SPAN_KINDS_TEXT, type SpanKind } from '../model/span-record.js';
import { cleanTags } from './tags.js';
import { settle } from './settle.js';
import type { HttpSupport, ParentInfo, Span, TracedOptions } from './span-api.js';
import type { ExtractedContext } from '../model/span-context.js';
import type { Carrier } from '../propagation/carrier.js';
import { extractWith, type PropagationFormat } from '../propagation/formats.js';
import { ENVIRONMENT_SPAN_NAME, recordEnvironmentOn, type EnvironmentRecording } from './environment.js';

/** Options of `tracer.startSpan`. */
export interface StartSpanOptions extends TracedOptions {
  /**
   * Join the parent's span instead of making a child: a server answering a traced client records
   * the same trace, span and parent IDs, with `shared: true` (Zipkin's shared-span model).
   * Needs a parent with IDs, e.g. `extractB3(req.headers)`; without one a new trace starts.
   * @default false
   */
  readonly join?: boolean;
  /** When the work began, epoch microseconds, if it began before this call. @default now */
  readonly startTimestamp?: number;
}

/** Counts of a tracer and its sink. Every count is in spans. */
export interface TracerStats extends SinkStats {
  /** Sampled spans started. */
  readonly started: number;
  /** Sampled spans ended and handed on. */
  readonly ended: number;
  /** Calls and spans not sampled: they emit nothing. */
  readonly unsampled: number;
  /** Failures of the library's own, by kind. */
  readonly failures: Readonly<Record<string, number>>;
  /** Sampled spans started and not yet ended. */
  readonly open: number;
  /**
   * Spans their code never ended, emitted marked `orphaned`: their handle was garbage collected
   * (`trackOrphans`) or they were open longer than `maxSpanDurationMillis`.
   */
  readonly orphaned: number;
  /** Spans still open at `close()`, emitted marked `unfinished`. */
  readonly unfinished: number;
}

/** What a tracer does besides `map`: the recording core. `Tracer` (from `createTracer`) adds `map`. */
export interface RecordingTracer {
  /** The service recorded on every span, lowercase. */
  readonly serviceName: string;
  /** The sink spans go to. */
  readonly sink: Sink;
  /**
   * Wraps `fn` so that each call records one span: the parent and IDs are taken when the call is
   * made, and one complete span is emitted when the returned promise settles. `fn` gets the span
   * first, then the wrapper's arguments. The value or error passes through unchanged.
   *
   * @example
   * const get = tracer.traced(async (span, url: string) => {
   *   const res = await fetch(url, { headers: span.b3Headers() });
   *   span.tag('http.status_code', res.status);
   *   return res;
   * }, { name: 'get', kind: 'CLIENT', parent: requestSpan });
   */
  traced<A extends unknown[], R>(
    fn: (span: Span, ...args: A) => R,
    options?: TracedOptions,
  ): (...args: A) => Promise<Awaited<R>>;
  /**
   * Starts a span for work that is not one function call; `span.end()` or `span.fail(error)` emits it.
   * @example
   * const span = tracer.startSpan('get /object', { kind: 'SERVER', parent: extractB3(req.headers), join: true });
   * res.on('finish', () => span.end());
   */
  startSpan(name: string, options?: StartSpanOptions): Span;
  /**
   * Starts a span named `environment` saying what the run is measured on: tags `node.version`,
   * `cpu.model`, `cpu.count`, `host`, `os` and `load.start` (1, 5 and 15-minute load averages);
   * its `end()` adds `load.end` and emits it. `deferred-span summary` prints them, and
   * `summary --compare` warns when two runs differ in them or ran under load. (`tracer.map`'s job
   * span carries the same tags.)
   * @example
   * const env = tracer.recordEnvironment();
   * await runBenchmark();
   * env.end();
   * @throws {OptionsError} for a bad option, as `startSpan`.
   */
  recordEnvironment(options?: Pick<StartSpanOptions, 'parent' | 'tags'>): EnvironmentRecording;
  /**
   * Reads the trace context a peer propagated, in the tracer's formats (`propagation`), the first
   * present and valid one winning: a `SpanContext`, a `SamplingOnlyContext` (B3's `b3: 0`), or
   * undefined when there is none (start a new trace). Never throws; malformed headers are counted
   * (`b3Stats()`, `w3cStats()`). Takes HTTP headers in any shape and message headers with
   * `Buffer` values.
   * @example const parent = tracer.extract(req.headers);
   * @example const parent = tracer.extract(message.headers ?? {});
   */
  extract(carrier: Carrier): ExtractedContext | undefined;
  /** Resolves once every span ended before the call has reached the sink's destination, or the deadline passed. */
  flush(options?: FlushOptions): Promise<FlushResult>;
  /** Flushes, then closes the sink and stops its timers. Spans ended later are dropped and counted. */
  close(options?: FlushOptions): Promise<FlushResult>;
  /** Counts: started, ended, queued, sent, dropped by reason, and the last failure. */
  stats(): TracerStats;
}

/**
 * Resolves when `work` settles or after `millis`, whichever is first. The timer is ref'd on purpose:
 * close() in progress keeps the process alive until its deadline, as a flush does.
 */
async function waitAtMost(work: Promise<unknown>, millis: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, millis);
  });
  try {
    await Promise.race([work.then(() => undefined, () => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

const TRACED_OPTIONS: ReadonlySet<string> = new Set(['name', 'kind', 'parent', 'remoteEndpoint', 'tags']);
const START_SPAN_OPTIONS: ReadonlySet<string> = new Set([...TRACED_OPTIONS, 'join', 'startTimestamp']);

/** Options that throw while read (a Proxy, a getter) are a mistake in code too: said as an OptionsError. */
function asOptionsError(where: string, error: unknown): OptionsError {
  if (error instanceof OptionsError) return error;
  return new OptionsError(where, [`(options): reading the options threw (${error instanceof Error ? error.message : 'a non-Error'}); pass a plain object`]);
}

/**
 * Calls `fn` with the span and the wrapper's arguments. Fixed arities for the usual calls: a rest
 * array and a spread cost more on every call. (The sampled wrapper keeps its own copy of the switch:
 * through this helper it measured a few percent slower.)
 */
function invoke<R>(fn: (this: unknown, span: Span, ...rest: unknown[]) => R, self: unknown, span: Span, args: IArguments): R {
  switch (args.length) {
    case 0:
      return fn.call(self, span);
    case 1:
      return fn.call(self, span, args[0]);
    case 2:
      return fn.call(self, span, args[0], args[1]);
    default:
      return fn.call(self, span, ...args);
  }
}

export class TracerImpl implements RecordingTracer, TracerCore {
  readonly serviceName: string;
  readonly sink: Sink;
  readonly endpoint: Endpoint;
  readonly defaultTags: Readonly<Record<string, string>> | undefined;
  readonly clock: Clock;
  readonly diagnostics: Diagnostics;
  readonly traceId128Bit: boolean;
  readonly maxTagsPerSpan: number;
  /** HTTP client helpers for spans, set by createTracer (this module loads no HTTP code). */
  http: HttpSupport | undefined = undefined;
  readonly maxAnnotationsPerSpan: number;
  readonly propagation: readonly PropagationFormat[];
  readonly tracestateKey: string | undefined;
  readonly #sampler: Sampler;
  readonly #queue: SpanQueue;
  #started = 0;
  #ended = 0;
  #unsampled = 0;
  #closed = false;
  #retiring = false;
  #closingDone: Promise<FlushResult> | undefined;
  readonly #closingController = new AbortController();
  /** Running map jobs: close() lets their calls in flight end before it cuts off what is open. */
  readonly #jobs = new Set<Promise<unknown>>();
  readonly openSpans: OpenSpans<RecordingSpan> = new OpenSpans(() => this.#startSweeps());
  readonly #maxSpanMicros: number;
  #sweeper: ReturnType<typeof setInterval> | undefined;
  readonly #orphanWatch: FinalizationRegistry<RecordingSpan> | undefined;
  #orphaned = 0;
  #unfinished = 0;

  /**
   * `sink` is where spans go and `queue` the one queue in front of it (for a delivering sink, the
   * sink itself); `createTracer` picks both, so this module knows no concrete sink.
   */
  constructor(o: ResolvedTracerOptions, diagnostics: Diagnostics, sink: Sink, queue: SpanQueue) {
    this.serviceName = o.serviceName;
    this.diagnostics = diagnostics;
    this.sink = sink;
    this.endpoint = { serviceName: o.serviceName, ...cleanEndpoint(o.localEndpoint, this.#complain) };
    this.defaultTags = o.defaultTags;
    this.clock = o.clock ?? monotonicClock;
    this.traceId128Bit = o.traceId128Bit;
    this.maxTagsPerSpan = o.maxTagsPerSpan;
    this.maxAnnotationsPerSpan = o.maxAnnotationsPerSpan;
    this.propagation = o.propagation;
    this.tracestateKey = o.tracestateKey;
    this.#sampler = new Sampler(o.sampleRate);
    this.#queue = queue;
    // Every tracer delivers its last spans when the process ends on its own; flushOnExit adds signals.
    const onExit = o.flushOnExit;
    watchExit(this, onExit?.timeoutMillis ?? o.exitTimeoutMillis, onExit === undefined ? [] : (onExit.signals ?? DEFAULT_EXIT_SIGNALS));
    this.#maxSpanMicros = o.maxSpanDurationMillis * 1000;
    this.#orphanWatch = o.trackOrphans ? new FinalizationRegistry((span) => this.#onOrphan(span)) : undefined;
  }

  /** A handle was garbage collected: if its span never ended, emit it with the time known so far. */
  #onOrphan(span: RecordingSpan): void {
    if (span.ended) return;
    this.openSpans.remove(span);
    this.#orphaned++;
    span.cutOff(span.lastKnownTime(), 'orphaned', 'orphaned', 'gc');
  }

  #startSweeps(): void {
    if (this.#sweeper !== undefined || this.#closed) return;
    // Often enough to cut spans off near their limit, rarely enough to cost nothing; unref'd so it
    // never keeps the process alive.
    const every = Math.min(Math.max(this.#maxSpanMicros / 2000, 1000), 60_000);
    this.#sweeper = setInterval(() => this.#sweep(), every);
    this.#sweeper.unref();
  }

  /** Cuts off spans open longer than maxSpanDurationMillis; stops the timer when none is open. */
  #sweep(): void {
    const now = this.clock.now();
    for (const span of this.openSpans.takeOlderThan(now - this.#maxSpanMicros)) {
      this.#orphaned++;
      span.cutOff(now, 'orphaned', 'orphaned', 'max_duration');
    }
    if (this.openSpans.size === 0 && this.#sweeper !== undefined) {
      clearInterval(this.#sweeper);
      this.#sweeper = undefined;
    }
  }

  readonly #complain = (kind: DiagnosticKind, message: string): void => this.diagnostics.report(kind, message);

  /** `parent` fixes the parent ID and debug flag of every span of the site; `join` marks them shared. */
  #site(name: unknown, fallback: string, options: TracedOptions, parent: ParentInfo | null, join: boolean, perCall: boolean): Site {
    let spanName: string;
    if (typeof name === 'string' && name !== '') {
      spanName = name;
      if (name.length > MAX_NAME_LENGTH) {
        spanName = truncate(name, MAX_NAME_LENGTH);
        this.#complain('VALUE_TRUNCATED', `a span name longer than ${MAX_NAME_LENGTH} characters was cut to that length`);
      }
    } else {
      if (name !== undefined) this.#complain('BAD_NAME', `a span name must be a non-empty string; "${fallback}" was used`);
      spanName = fallback;
    }
    let kind: SpanKind | undefined;
    if (options.kind !== undefined) {
      if (isSpanKind(options.kind)) kind = options.kind;
      else this.#complain('BAD_KIND', `kind must be ${SPAN_KINDS_TEXT}; the span was recorded as a local span`);
    }
    return {
      core: this,
      parentId: join ? parent?.parentId : parent?.traceId === undefined ? undefined : parent.spanId,
      flags: spanFlags(parent?.debug === true, join, randomTraceOf(parent)),
      tracestate: parent?.traceId === undefined ? undefined : parent.tracestate,
      name: spanName,
      perCall,
      kind,
      tags: cleanTags(options.tags, this.#complain),
      remoteEndpoint: cleanEndpoint(options.remoteEndpoint, this.#complain),
    };
  }

  /**
   * Counts an unsampled call and makes its span, which records nothing but propagates: a child of
   * `parent` when it has IDs, else the root of a new trace (pass null); `joined`: the parent's own
   * span, joined by a server.
   */
  #unsampledSpan(parent: ParentInfo | null, joined = false): NoopSpan {
    this.#unsampled++;
    return new NoopSpan(this, parent, joined);
  }

  #begin(site: Site, parent: ParentInfo | null, start: number | undefined): RecordingSpan | TrackedSpan | NoopSpan {
    if (!this.#sampler.sampled(parent)) return this.#unsampledSpan(parent?.traceId === undefined ? null : parent);
    // A sampling-only parent keeps its decision but has no IDs: a new trace.
    const traceId = parent?.traceId ?? newTraceId(this.traceId128Bit);
    this.#started++;
    const at = newSpanIdWords();
    return this.#handle(new RecordingSpan(site, traceId, idWord(at), idWord(at + 1), start ?? this.clock.now()));
  }

  /** What user code holds: the span itself, or with orphan tracking a handle watched for collection. */
  #handle(span: RecordingSpan): RecordingSpan | TrackedSpan {
    const watch = this.#orphanWatch;
    if (watch === undefined) return span;
    const handle = new TrackedSpan(span);
    watch.register(handle, span);
    return handle;
  }

  traced<A extends unknown[], R>(fn: (span: Span, ...args: A) => R, options: TracedOptions = {}): (...args: A) => Promise<Awaited<R>> {
    if (typeof fn !== 'function') throw new TypeError('traced: fn: expected a function (span, ...args) => value');
    let parent: ParentInfo | null;
    let site: Site;
    try {
      checkOptionKeys('traced', options, TRACED_OPTIONS, '{ name, kind, parent }');
      parent = readParent(options.parent, this.#complain, 'traced');
      site = this.#site(options.name, fn.name || 'traced', options, parent, false, false);
    } catch (error) {
      throw asOptionsError('traced', error);
    }
    // The wrapper forwards its caller's own `this` to fn, so the tracer needs a name of its own.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const tracer = this;
    const call = fn as (this: unknown, span: Span, ...rest: unknown[]) => R;
    // A sampling-only parent has no IDs to be a child of: its unsampled calls start new traces.
    if (this.#sampler.neverSampled(parent)) return this.#untraced(call, parent?.traceId === undefined ? null : parent);
    return function tracedCall(this: unknown): Promise<Awaited<R>> {
      const span = tracer.#begin(site, parent, undefined);
      let result: R;
      try {
        // Fixed arities for the usual calls: a rest array and a spread cost more on every call.
        /* eslint-disable prefer-rest-params */
        switch (arguments.length) {
          case 0:
            result = call.call(this, span);
            break;
          case 1:
            result = call.call(this, span, arguments[0]);
            break;
          case 2:
            result = call.call(this, span, arguments[0], arguments[1]);
            break;
          default:
            result = call.call(this, span, ...arguments);
        }
        /* eslint-enable prefer-rest-params */
      } catch (error) {
        span.fail(error);
        return Promise.reject(error);
      }
      if (span instanceof NoopSpan) return Promise.resolve(result) as Promise<Awaited<R>>;
      let thenable = result instanceof Promise;
      if (!thenable && result !== null && (typeof result === 'object' || typeof result === 'function')) {
        try {
          thenable = typeof (result as { then?: unknown }).then === 'function';
        } catch (error) {
          // A throwing `then` getter: reject with its error, as Promise.resolve would.
          span.fail(error);
          return Promise.reject(error);
        }
      }
      if (thenable) {
        // Bound to the handle: a call in flight keeps it alive, an abandoned one does not.
        return Promise.resolve(result).then(settle.ended.bind(span), settle.failed.bind(span)) as Promise<Awaited<R>>;
      }
      span.end();
      return Promise.resolve(result) as Promise<Awaited<R>>;
    } as (...args: A) => Promise<Awaited<R>>;
  }


  /** The wrapper of a function whose calls are never sampled: no decision, no record, just a span to propagate with. */
  #untraced<R>(call: (this: unknown, span: Span, ...rest: unknown[]) => R, parent: ParentInfo | null): (...args: unknown[]) => Promise<Awaited<R>> {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const tracer = this;
    return function untracedCall(this: unknown): Promise<Awaited<R>> {
      const span = tracer.#unsampledSpan(parent);
      try {
        // eslint-disable-next-line prefer-rest-params
        return Promise.resolve(invoke(call, this, span, arguments)) as Promise<Awaited<R>>;
      } catch (error) {
        return Promise.reject(error);
      }
    };
  }

  recordEnvironment(options: Pick<StartSpanOptions, 'parent' | 'tags'> = {}): EnvironmentRecording {
    return recordEnvironmentOn(this.startSpan(ENVIRONMENT_SPAN_NAME, options));
  }

  startSpan(name: string, options: StartSpanOptions = {}): Span {
    let parent: ParentInfo | null;
    let joinTo: (ParentInfo & { readonly traceId: string; readonly spanId: string }) | undefined;
    let site: Site;
    try {
      checkOptionKeys('startSpan', options, START_SPAN_OPTIONS, '{ name, kind, parent }');
      parent = readParent(options.parent, this.#complain, 'startSpan');
      // Joining needs the client's IDs; a sampling-only parent starts a new trace instead. W3C has
      // no shared spans: a W3C parent gets a child.
      joinTo = options.join === true && hasIds(parent) && parent.propagation !== 'w3c' ? parent : undefined;
      site = this.#site(name, 'span', options, parent, joinTo !== undefined, true);
    } catch (error) {
      throw asOptionsError('startSpan', error);
    }
    let start: number | undefined;
    if (options.startTimestamp !== undefined) {
      if (typeof options.startTimestamp === 'number' && Number.isFinite(options.startTimestamp) && options.startTimestamp > 0) {
        start = options.startTimestamp;
      } else {
        this.#complain('BAD_TIMESTAMP', 'startTimestamp must be positive epoch microseconds; the current time was used');
      }
    }
    if (joinTo !== undefined) {
      if (!this.#sampler.sampled(joinTo)) {
        return this.#unsampledSpan(joinTo, true);
      }
      this.#started++;
      const joined = new RecordingSpan(site, joinTo.traceId, hexHigh(joinTo.spanId), hexLow(joinTo.spanId), start ?? this.clock.now());
      return this.#handle(joined);
    }
    return this.#begin(site, parent, start);
  }

  extract(carrier: Carrier): ExtractedContext | undefined {
    return extractWith(this.propagation, carrier);
  }

  emit(span: RecordingSpan): void {
    this.#ended++;
    if (this.#closed) return this.#queue.discard(1, 'TRACER_CLOSED', 'a span ended after tracer.close(); it was dropped and counted');
    this.#queue.add(span);
    if (this.#retiring && this.openSpans.size === 0) void this.close();
  }

  /**
   * Closes this tracer once the spans open now have ended (at the latest at maxSpanDurationMillis,
   * when they are cut off): `configure()` retires the default tracer it replaces, so its files and
   * sockets are released without cutting off the calls still in flight on it.
   */
  retire(): void {
    this.#retiring = true;
    if (this.openSpans.size === 0) void this.close();
  }

  async flush(options?: FlushOptions): Promise<FlushResult> {
    this.#sweep();
    const before = this.#droppedTotal();
    const complete = await this.#queue.flushWithin(options?.timeoutMillis ?? DEFAULT_FLUSH_TIMEOUT_MILLIS);
    return this.#result(complete, before);
  }

  close(options?: FlushOptions): Promise<FlushResult> {
    if (this.#closed) return Promise.resolve(this.#result(true, this.#droppedTotal()));
    // A second call while the first waits gets the first one's result.
    return (this.#closingDone ??= this.#close(options));
  }

  async #close(options?: FlushOptions): Promise<FlushResult> {
    unwatchExit(this);
    const timeoutMillis = options?.timeoutMillis ?? DEFAULT_FLUSH_TIMEOUT_MILLIS;
    const deadline = Date.now() + timeoutMillis;
    // map jobs stop starting items now; their calls in flight may end, within the deadline.
    this.#closingController.abort();
    if (this.#jobs.size > 0) await waitAtMost(Promise.all(this.#jobs), timeoutMillis);
    if (this.#sweeper !== undefined) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    // What is still open is emitted now, marked, rather than lost.
    const now = this.clock.now();
    for (const span of this.openSpans.takeAll()) {
      this.#unfinished++;
      span.cutOff(now, 'unfinished', 'unfinished', 'close');
    }
    const before = this.#droppedTotal();
    this.#closed = true;
    const complete = await this.#queue.closeWithin(Math.max(0, deadline - Date.now()));
    if (this.#sweeper !== undefined) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    return this.#result(complete, before);
  }

  /** Aborts when close() starts: map jobs stop starting items. */
  get closing(): AbortSignal {
    return this.#closingController.signal;
  }

  trackJob(done: Promise<unknown>): void {
    const settled: Promise<unknown> = done.then(
      () => this.#jobs.delete(settled),
      () => this.#jobs.delete(settled),
    );
    this.#jobs.add(settled);
  }

  /** At `exit`: what is still undelivered can no longer be sent; count it as dropped, once. */
  abandonAtExit(): number {
    return this.#queue.abandon();
  }

  #droppedTotal(): number {
    const d = this.#queue.stats().dropped;
    return droppedTotal(d);
  }

  /** Complete means: in time, nothing left waiting, and nothing dropped while waiting. */
  #result(complete: boolean, droppedBefore: number): FlushResult {
    const s = this.#queue.stats();
    const pending = s.queued + s.inFlight;
    const d = s.dropped;
    const droppedNow = droppedTotal(d) - droppedBefore;
    return { complete: complete && pending === 0 && droppedNow === 0, pending, dropped: s.dropped };
  }

  stats(): TracerStats {
    // Delivery figures come from the one queue; the rest are the tracer's own.
    return {
      ...this.#queue.stats(),
      started: this.#started,
      ended: this.#ended,
      unsampled: this.#unsampled,
      failures: Object.fromEntries(this.diagnostics.counts),
      open: this.openSpans.size,
      orphaned: this.#orphaned,
      unfinished: this.#unfinished,
    };
  }
}
