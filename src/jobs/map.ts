import pLimit from 'p-limit';
import type { Diagnostics } from '../model/diagnostics.js';
import type { SamplingOnlyContext, SpanContext } from '../model/span-context.js';
import type { StartSpanOptions } from '../record/tracer.js';
import { boolean, func, integer, nonEmptyString, oneOf, optional, parseOptions, recordOf, rule, withDefault, type Output } from '../model/option-rules.js';
import { SPAN_KINDS, SPAN_KINDS_QUOTED, type SpanKind } from '../model/span-record.js';
import { spanEnded } from '../record/span.js';
import { errorTagValue } from '../record/tags.js';
import { tagEnvironmentEnd, tagEnvironmentStart } from '../record/environment.js';
import type { Parent, Span } from '../record/span-api.js';

/** What `onProgress` receives after each item settles. */
export interface MapProgress {
  /** Items whose call fulfilled. */
  readonly done: number;
  /** Items whose call rejected (or threw). */
  readonly failed: number;
  /** Calls started and not yet settled. */
  readonly inFlight: number;
  /** Items in all, when known: an array's length, a Set's or Map's size, or the `total` option. */
  readonly total?: number;
}

/** What `map` resolves to with `results: false`: counts only, so memory stays flat. */
export interface MapSummary {
  /** Items whose call fulfilled. */
  readonly done: number;
  /** Items whose call rejected (only in `mode: 'settle'`; in `failFast` the first failure rejects). */
  readonly failed: number;
  /** The job span's identity, e.g. to find the job (or, with `chunkSize`, its chunks) in Zipkin. */
  readonly job: SpanContext;
}

/** The function `map` calls once per item, with the item's own span first. */
export type MapItemFn<T, R> = (span: Span, item: T, index: number) => R;

/** Options of `map`. */
export interface MapOptions {
  /**
   * The job span's name.
   * @default 'map'
   */
  readonly name?: string;
  /**
   * The name of each item's span.
   * @default 'item'
   */
  readonly itemName?: string;
  /** The kind of each item's span, e.g. `CLIENT` when each item is a request. Absent means a local span. */
  readonly itemKind?: SpanKind;
  /**
   * The most calls in flight at once: a positive integer.
   * @default 8
   */
  readonly concurrency?: number;
  /**
   * `failFast`: on the first failure stop scheduling, wait for the calls in flight, reject with that
   * error (the same object). `settle`: run every item and resolve like `Promise.allSettled`.
   * @default 'failFast'
   */
  readonly mode?: 'failFast' | 'settle';
  /**
   * Stops scheduling when aborted: the calls in flight finish, then `map` rejects with
   * `signal.reason`. Calls are not interrupted; pass the signal on to `fn` yourself for that.
   */
  readonly signal?: AbortSignal | undefined;
  /** Called after each item settles. A throw is reported (`MAP_PROGRESS_FAILED`), never passed on. */
  readonly onProgress?: ((progress: MapProgress) => void) | undefined;
  /**
   * Keep each item's result, in input order. `false` keeps none and resolves with a `MapSummary`:
   * for streaming jobs over millions of items, whose results would otherwise all stay in memory.
   * @default true
   */
  readonly results?: boolean;
  /**
   * Items per trace: each run of `chunkSize` items gets its own trace, whose root is tagged with
   * the job's `job.trace_id`, `job.span_id` and `job.chunk` (0, 1, ...). Zipkin's UI becomes
   * unusable for traces of tens of thousands of spans.
   * @default undefined: every item span is a child of the job span, in one trace
   */
  readonly chunkSize?: number | undefined;
  /** The job span's parent: a `Span`, a `SpanContext`, a zipkin-js `TraceId`, or `null` for a new trace. @default null */
  readonly parent?: Parent | null | undefined;
  /** Tags put on the job span (and on each chunk's root span). */
  readonly tags?: Readonly<Record<string, unknown>> | undefined;
  /** The number of items, when `items` cannot tell (a generator, a stream): shown by `onProgress`. */
  readonly total?: number | undefined;
}

/**
 * Runs `fn(span, item, index)` over an iterable or async iterable, at most `concurrency` calls at
 * once, each call a sibling span under one job span. Items are read lazily: never more than
 * `concurrency` are held. Results come back in input order.
 */
export interface MapFunction {
  <T, R>(items: Iterable<T> | AsyncIterable<T>, fn: MapItemFn<T, R>, options: MapOptions & { readonly results: false }): Promise<MapSummary>;
  <T, R>(
    items: Iterable<T> | AsyncIterable<T>,
    fn: MapItemFn<T, R>,
    options: MapOptions & { readonly mode: 'settle'; readonly results?: true },
  ): Promise<PromiseSettledResult<Awaited<R>>[]>;
  <T, R>(
    items: Iterable<T> | AsyncIterable<T>,
    fn: MapItemFn<T, R>,
    options?: MapOptions & { readonly mode?: 'failFast'; readonly results?: true },
  ): Promise<Awaited<R>[]>;
  <T, R>(
    items: Iterable<T> | AsyncIterable<T>,
    fn: MapItemFn<T, R>,
    options?: MapOptions,
  ): Promise<Awaited<R>[] | PromiseSettledResult<Awaited<R>>[] | MapSummary>;
}

/** What `map` needs of a tracer. */
export interface MapHost {
  startSpan(name: string, options?: StartSpanOptions): Span;
  readonly diagnostics: Diagnostics;
  /** Aborts when the tracer closes (close(), or flushOnExit's signal): the job stops starting items. */
  readonly closing?: AbortSignal;
  /** Lets the tracer's close() wait for the job's calls in flight and its job span. */
  trackJob?(done: Promise<unknown>): void;
}

/** Default of the `concurrency` option. */
export const DEFAULT_MAP_CONCURRENCY = 8;

const positiveInt = (example: string) => integer(1, `expected a positive integer, like ${example}`);
const nonEmptyName = (example: string) => nonEmptyString(`expected a non-empty string, like "${example}"`);

const mapOptionsShape = {
  name: withDefault(nonEmptyName('resize images'), 'map'),
  itemName: withDefault(nonEmptyName('resize image'), 'item'),
  itemKind: optional(oneOf(SPAN_KINDS, `expected ${SPAN_KINDS_QUOTED}; leave it out for a local span`)),
  concurrency: withDefault(positiveInt('8 (the most calls in flight at once)'), DEFAULT_MAP_CONCURRENCY),
  mode: withDefault(oneOf(['failFast', 'settle'], 'expected "failFast" (reject on the first error) or "settle" (results like Promise.allSettled)'), 'failFast'),
  signal: optional(rule((v): v is AbortSignal => v instanceof AbortSignal, 'expected an AbortSignal, like new AbortController().signal or AbortSignal.timeout(60_000)')),
  onProgress: optional(func<(progress: MapProgress) => void>('expected a function ({ done, failed, inFlight, total }) => void')),
  results: withDefault(boolean('expected true (keep results, in input order) or false (keep none; resolve with counts)'), true),
  chunkSize: optional(positiveInt('10000 (items per trace)')),
  // The parent's shape is read by the tracer, which says what a parent is.
  parent: optional(rule<Parent | null>((v) => v === null || typeof v === 'object', 'expected a Span, a SpanContext, a zipkin-js TraceId or null')),
  tags: optional(recordOf(rule((_v): _v is unknown => true, ''), 'expected an object of tags, like { "job.id": "42" }')),
  total: optional(integer(0, 'expected a whole number of items, like 1000000')),
};

type Stop = { readonly kind: 'error'; readonly error: unknown } | { readonly kind: 'abort'; readonly reason: unknown };

/** One trace of a chunked job. */
interface Chunk {
  readonly span: Span;
  readonly call: (item: unknown, index: number) => Promise<unknown>;
  pending: number;
  done: number;
  failed: number;
  /** Every item of the chunk has been started. */
  sealed: boolean;
}

const ABORTED: unique symbol = Symbol('aborted');

function knownSize(items: object): number | undefined {
  if (Array.isArray(items)) return items.length;
  if (items instanceof Set || items instanceof Map) return items.size;
  return undefined;
}

function endChunk(chunk: Chunk): void {
  chunk.span.tag('map.done', chunk.done).tag('map.failed', chunk.failed);
  chunk.span.end();
}

/**
 * Starts one `map` job. Validation happens before anything starts, and throws.
 * @throws {OptionsError} naming the bad option, e.g. `concurrency: expected a positive integer`.
 * @throws {TypeError} when `items` is not iterable or `fn` is not a function.
 */
export function runMap(host: MapHost, items: unknown, fn: unknown, options: unknown): Promise<unknown> {
  if (typeof fn !== 'function') throw new TypeError('map: fn: expected a function (span, item, index) => value');
  const o = parseOptions('map', mapOptionsShape, options);
  if (items === null || items === undefined) {
    throw new TypeError('map: items: expected an iterable or an async iterable (an array, a Set, a generator, a stream)');
  }
  const source = items as Partial<Iterable<unknown> & AsyncIterable<unknown>>;
  const asyncIterate = source[Symbol.asyncIterator];
  const iterate = source[Symbol.iterator];
  let iterator: Iterator<unknown> | AsyncIterator<unknown>;
  let sync: boolean;
  if (typeof asyncIterate === 'function') {
    iterator = asyncIterate.call(source);
    sync = false;
  } else if (typeof iterate === 'function') {
    iterator = iterate.call(source);
    sync = true;
  } else {
    throw new TypeError('map: items: expected an iterable or an async iterable (an array, a Set, a generator, a stream)');
  }
  return new MapRun(host, iterator, sync, fn as MapItemFn<unknown, unknown>, o, o.total ?? knownSize(source)).promise;
}

type ResolvedMapOptions = Output<typeof mapOptionsShape>;

/**
 * The state of one job.
 *
 * Why a pull loop around p-limit rather than `limit.map(items, ...)`: p-limit's `map` takes a sync
 * iterable and calls `Array.from` on it, which would read a 1,000,000-item source (and hold every
 * pending promise) before the first call ends. Here p-limit runs the calls, and the loop reads the
 * next item only when fewer than `concurrency` calls are unsettled, so at most `concurrency` items
 * are ever read ahead, and async iterables work too.
 */
class MapRun {
  readonly promise: Promise<unknown>;
  readonly #host: MapHost;
  readonly #iterator: Iterator<unknown> | AsyncIterator<unknown>;
  readonly #sync: boolean;
  readonly #o: ResolvedMapOptions;
  readonly #total: number | undefined;
  readonly #job: Span;
  readonly #jobContext: SpanContext;
  readonly #jobCall: (item: unknown, index: number) => Promise<unknown>;
  readonly #fn: MapItemFn<unknown, unknown>;
  readonly #limit: ReturnType<typeof pLimit>;
  readonly #results: unknown[] | undefined;
  #resolve!: (value: unknown) => void;
  #reject!: (reason: unknown) => void;
  #started = 0;
  #done = 0;
  #failed = 0;
  #inFlight = 0;
  #stop: Stop | undefined = undefined;
  #exhausted = false;
  #pumping = true;
  #finished = false;
  #chunk: Chunk | undefined = undefined;
  #chunks = 0;
  /** Wakes the loop waiting for a free slot (or for a stop). */
  #wakeSlot: (() => void) | undefined = undefined;
  /** Wakes the loop waiting on an async iterator's `next()` when the job stops. */
  #wakePull: (() => void) | undefined = undefined;

  constructor(
    host: MapHost,
    iterator: Iterator<unknown> | AsyncIterator<unknown>,
    sync: boolean,
    fn: MapItemFn<unknown, unknown>,
    o: ResolvedMapOptions,
    total: number | undefined,
  ) {
    this.#host = host;
    this.#iterator = iterator;
    this.#sync = sync;
    this.#fn = fn;
    this.#o = o;
    this.#total = total;
    this.#results = o.results ? [] : undefined;
    this.#limit = pLimit(o.concurrency);
    this.promise = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    const jobOptions: StartSpanOptions = o.tags === undefined ? { parent: o.parent ?? null } : { parent: o.parent ?? null, tags: o.tags };
    const job = host.startSpan(o.name, jobOptions);
    job.tag('map.concurrency', o.concurrency).tag('map.mode', o.mode);
    if (total !== undefined) job.tag('map.total', total);
    if (o.chunkSize !== undefined) job.tag('map.chunk_size', o.chunkSize);
    // What the job ran on, so `summary` can say it and `--compare` can warn when runs differ.
    tagEnvironmentStart(job);
    this.#job = job;
    this.#jobContext = job.context;
    this.#jobCall = job.traced(fn, this.#itemOptions());
    o.signal?.addEventListener('abort', this.#onAbort, { once: true });
    host.closing?.addEventListener('abort', this.#onClose, { once: true });
    host.trackJob?.(this.promise);
    void this.#pump();
  }

  #itemOptions(): { name: string; kind?: SpanKind } {
    return this.#o.itemKind === undefined ? { name: this.#o.itemName } : { name: this.#o.itemName, kind: this.#o.itemKind };
  }

  readonly #onAbort = (): void => {
    this.#stopWith({ kind: 'abort', reason: this.#o.signal?.reason });
  };

  readonly #onClose = (): void => {
    this.#stopWith({ kind: 'abort', reason: new Error('the tracer was closed (close() or a signal); no further items were started') });
  };

  #stopWith(stop: Stop): void {
    if (this.#stop !== undefined) return;
    // An abort only stops scheduling: once every item has started there is nothing left to stop.
    if (stop.kind === 'abort' && !this.#pumping) return;
    this.#stop = stop;
    this.#wakeSlot?.();
    this.#wakePull?.();
  }

  async #pump(): Promise<void> {
    const iterator = this.#iterator;
    const concurrency = this.#o.concurrency;
    const signal = this.#o.signal;
    let iteratorFailed = false;
    try {
      for (;;) {
        if (signal?.aborted === true && this.#stop === undefined) this.#stop = { kind: 'abort', reason: signal.reason };
        if (this.#stop !== undefined) break;
        if (this.#inFlight >= concurrency) {
          await new Promise<void>((resolve) => {
            this.#wakeSlot = resolve;
          });
          this.#wakeSlot = undefined;
          continue;
        }
        let next: IteratorResult<unknown> | typeof ABORTED;
        if (this.#sync) {
          next = (iterator as Iterator<unknown>).next();
        } else {
          const pulled = (iterator as AsyncIterator<unknown>).next();
          next = await new Promise<IteratorResult<unknown> | typeof ABORTED>((resolve, reject) => {
            this.#wakePull = () => resolve(ABORTED);
            pulled.then(resolve, reject);
          });
          this.#wakePull = undefined;
        }
        // An item read after the job stopped is not started.
        if (next === ABORTED || this.#stop !== undefined) break;
        if (next.done === true) {
          this.#exhausted = true;
          break;
        }
        this.#launch(next.value);
      }
    } catch (error) {
      // The iterable itself failed: no item to settle, so the job stops with that error.
      iteratorFailed = true;
      if (this.#stop === undefined) this.#stop = { kind: 'error', error };
    }
    if (!this.#exhausted && !iteratorFailed) this.#closeIterator();
    this.#pumping = false;
    if (this.#chunk !== undefined) this.#seal(this.#chunk);
    if (this.#inFlight === 0) this.#finish();
  }

  /** Lets a generator run its `finally` blocks; never awaited, since a stuck generator would hang the job. */
  #closeIterator(): void {
    try {
      const closing = this.#iterator.return?.();
      if (closing !== undefined && typeof (closing as { then?: unknown }).then === 'function') {
        (closing as Promise<unknown>).then(undefined, (error: unknown) =>
          this.#host.diagnostics.report('MAP_ITERATOR_CLOSE_FAILED', 'closing the items iterator after the job stopped failed', error),
        );
      }
    } catch (error) {
      this.#host.diagnostics.report('MAP_ITERATOR_CLOSE_FAILED', 'closing the items iterator after the job stopped failed', error);
    }
  }

  #launch(item: unknown): void {
    const index = this.#started++;
    const chunkSize = this.#o.chunkSize;
    let chunk = this.#chunk;
    if (chunkSize !== undefined && index % chunkSize === 0) {
      if (chunk !== undefined) this.#seal(chunk);
      chunk = this.#openChunk();
      this.#chunk = chunk;
    }
    if (chunk !== undefined) chunk.pending++;
    this.#inFlight++;
    void this.#limit(this.#runItem, item, index, chunk);
  }

  #openChunk(): Chunk {
    const n = this.#chunks++;
    const job = this.#jobContext;
    // Chunk traces follow the job's sampling decision, so a sampled job keeps all its chunks.
    const parent: SamplingOnlyContext = { sampled: this.#job.isRecording, debug: job.debug, shared: false };
    const o = this.#o;
    const options: StartSpanOptions = o.tags === undefined ? { parent } : { parent, tags: o.tags };
    const span = this.#host.startSpan(`${o.name} chunk`, options);
    span.tag('job.trace_id', job.traceId).tag('job.span_id', job.spanId).tag('job.chunk', n);
    return { span, call: span.traced(this.#fn, this.#itemOptions()), pending: 0, done: 0, failed: 0, sealed: false };
  }

  #seal(chunk: Chunk): void {
    chunk.sealed = true;
    if (chunk.pending === 0) endChunk(chunk);
  }

  // Runs under p-limit; settles the item's bookkeeping before p-limit frees the slot.
  readonly #runItem = async (item: unknown, index: number, chunk: Chunk | undefined): Promise<void> => {
    let ok: boolean;
    let outcome: unknown;
    try {
      outcome = await (chunk === undefined ? this.#jobCall : chunk.call)(item, index);
      ok = true;
    } catch (error) {
      outcome = error;
      ok = false;
    }
    this.#settled(index, chunk, ok, outcome);
  };

  #settled(index: number, chunk: Chunk | undefined, ok: boolean, outcome: unknown): void {
    this.#inFlight--;
    if (ok) this.#done++;
    else this.#failed++;
    const results = this.#results;
    if (this.#o.mode === 'settle') {
      if (results !== undefined) results[index] = ok ? { status: 'fulfilled', value: outcome } : { status: 'rejected', reason: outcome };
    } else if (ok) {
      if (results !== undefined) results[index] = outcome;
    } else {
      this.#stopWith({ kind: 'error', error: outcome });
    }
    if (chunk !== undefined) {
      chunk.pending--;
      if (ok) chunk.done++;
      else chunk.failed++;
      if (chunk.sealed && chunk.pending === 0) endChunk(chunk);
    }
    const onProgress = this.#o.onProgress;
    if (onProgress !== undefined) {
      const total = this.#total;
      const progress: MapProgress =
        total === undefined
          ? { done: this.#done, failed: this.#failed, inFlight: this.#inFlight }
          : { done: this.#done, failed: this.#failed, inFlight: this.#inFlight, total };
      try {
        onProgress(progress);
      } catch (error) {
        this.#host.diagnostics.report('MAP_PROGRESS_FAILED', 'the onProgress callback of map threw; the job went on', error);
      }
    }
    if (this.#pumping) this.#wakeSlot?.();
    else if (this.#inFlight === 0) this.#finish();
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#o.signal?.removeEventListener('abort', this.#onAbort);
    this.#host.closing?.removeEventListener('abort', this.#onClose);
    const job = this.#job;
    // close() gave up waiting and emitted the job span as unfinished: nothing more to say on it.
    if (spanEnded(job)) return this.#settleOnly();
    const stop = this.#stop;
    const total = this.#total;
    job.tag('map.done', this.#done).tag('map.failed', this.#failed);
    job.tag('map.not_started', this.#exhausted ? 0 : total !== undefined ? Math.max(0, total - this.#started) : 'unknown');
    if (this.#chunks > 0) job.tag('map.chunks', this.#chunks);
    tagEnvironmentEnd(job);
    if (stop === undefined) {
      job.tag('map.outcome', 'completed');
      job.end();
      this.#resolve(this.#results ?? ({ done: this.#done, failed: this.#failed, job: this.#jobContext } satisfies MapSummary));
    } else if (stop.kind === 'abort') {
      job.tag('map.outcome', 'aborted').tag('map.abort_reason', errorTagValue(stop.reason));
      job.fail(stop.reason);
      this.#reject(stop.reason);
    } else {
      job.tag('map.outcome', 'failed');
      job.fail(stop.error);
      this.#reject(stop.error);
    }
  }

  /** The job's promise settles as it would have, without touching the job span. */
  #settleOnly(): void {
    const stop = this.#stop;
    if (stop === undefined) this.#resolve(this.#results ?? ({ done: this.#done, failed: this.#failed, job: this.#jobContext } satisfies MapSummary));
    else this.#reject(stop.kind === 'abort' ? stop.reason : stop.error);
  }
}

/**
 * `map` bound to a tracer: what `tracer.map` is.
 * @example
 * const sizes = await tracer.map(urls, async (span, url) => (await fetch(url, { headers: span.b3Headers() })).status,
 *   { name: 'check links', itemName: 'check link', itemKind: 'CLIENT', concurrency: 16 });
 */
export function bindMap(host: MapHost): MapFunction {
  // One implementation behind the overloads: their return types only narrow what it resolves to.
  return ((items: unknown, fn: unknown, options?: unknown) => runMap(host, items, fn, options)) as MapFunction;
}
