import { writeSync } from 'node:fs';
import { constants } from 'node:os';
import { arrayOf, integer, oneOf, optional, parseOptions } from '../model/option-rules.js';
import { droppedTotal, type FlushOptions, type FlushResult } from '../model/sink.js';

/** What the exit handling uses of a tracer. */
export interface ExitFlushable {
  flush(options?: FlushOptions): Promise<FlushResult>;
  close(options?: FlushOptions): Promise<FlushResult>;
  stats(): { readonly queued: number; readonly inFlight: number; readonly ended: number };
}

/** A tracer of ours: it can also say who it is and give up what is left when the process exits. */
interface OwnTracer extends ExitFlushable {
  readonly serviceName: string;
  /** Counts what is still undelivered as dropped (expired); returns how many. */
  abandonAtExit(): number;
}

/** The signals `flushOnExit` can handle. */
export const EXIT_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/** The signals `flushOnExit` can handle. */
export type ExitSignal = (typeof EXIT_SIGNALS)[number];

/** Options of `flushOnExit`. */
export interface FlushOnExitOptions {
  /**
   * How long to wait for delivery at exit before giving up (what is left is counted as dropped).
   * @default 5000
   */
  readonly timeoutMillis?: number;
  /**
   * Signals after which the tracer is closed and the signal raised again.
   * @default ['SIGTERM', 'SIGINT']
   */
  readonly signals?: readonly ExitSignal[];
}

/** How long a process that ends on its own waits for its tracers' last spans, by default. */
export const DEFAULT_EXIT_TIMEOUT_MILLIS = 5000;
/** The signals `flushOnExit` handles unless told otherwise. */
export const DEFAULT_EXIT_SIGNALS: readonly ExitSignal[] = ['SIGTERM', 'SIGINT'];
/** If a re-raised signal does not end the process (someone ignores it), exit the same way a shell would report it. */
const RERAISE_GRACE_MILLIS = 1000;

const millis = 'expected an integer >= 0 (milliseconds), like 5000';

/** The one check of `flushOnExit` options, used by `flushOnExit()` and by `createTracer({ flushOnExit })`. */
export const flushOnExitOptionsShape = {
  timeoutMillis: optional(integer(0, millis)),
  signals: optional(arrayOf(oneOf(EXIT_SIGNALS, `expected ${EXIT_SIGNALS.map((s) => `"${s}"`).join(', ')}`), `expected an array of ${EXIT_SIGNALS.map((s) => `"${s}"`).join(', ')}`)),
};

/** One tracer's part in the exit handling. */
interface Entry {
  readonly tracer: ExitFlushable;
  timeoutMillis: number;
  signals: ReadonlySet<ExitSignal>;
  /** `ended` when the last beforeExit flush started: flush again only for new spans. */
  flushedAtEnded: number;
  flushing: boolean;
  /** A beforeExit flush ran out of time: the exit line says so. */
  timedOut: boolean;
}

// One process-wide set of listeners, however many tracers there are.
const entries = new Map<ExitFlushable, Entry>();
const signalListeners = new Map<ExitSignal, (signal: NodeJS.Signals) => void>();
let processListeners = false;
let signalled = false;

const isOwn = (t: ExitFlushable): t is OwnTracer => typeof (t as Partial<OwnTracer>).abandonAtExit === 'function';

/** One line on stderr, written at once: from `exit` or before a signal is re-raised, nothing deferred would be printed. */
function say(line: string): void {
  try {
    writeSync(2, `deferred-span: ${line}\n`);
  } catch {
    // stderr closed: nothing more can be said
  }
}

function nameOf(tracer: ExitFlushable): string {
  return isOwn(tracer) ? `service "${tracer.serviceName}"` : 'a tracer';
}

function onBeforeExit(): void {
  if (signalled) return;
  for (const entry of entries.values()) {
    if (entry.flushing) continue;
    const s = entry.tracer.stats();
    // beforeExit fires again once the flush's work is done: flush again only for new spans, so a
    // flush that cannot finish never loops.
    if (s.queued + s.inFlight === 0 || s.ended === entry.flushedAtEnded) continue;
    entry.flushedAtEnded = s.ended;
    entry.flushing = true;
    entry.tracer.flush({ timeoutMillis: entry.timeoutMillis }).then(
      (result) => {
        entry.flushing = false;
        if (!result.complete) entry.timedOut = true;
      },
      () => {
        entry.flushing = false;
      },
    );
  }
}

function onExit(): void {
  for (const entry of entries.values()) {
    const tracer = entry.tracer;
    if (!isOwn(tracer)) continue;
    const left = tracer.abandonAtExit();
    if (left === 0) continue;
    const [why, fix] = entry.timedOut
      ? [`the sink did not take them within ${entry.timeoutMillis} ms of the event loop running empty`, 'check that the destination is up, or raise exitTimeoutMillis']
      : ['the process exited (process.exit() or a signal) before they were sent', 'await tracer.close() before process.exit(), or createTracer({ flushOnExit: true }) for signals'];
    say(`${left} span(s) of ${nameOf(tracer)} were still undelivered when the process exited (${why}); they were counted as dropped. Fix: ${fix}.`);
  }
}

function reraise(signal: ExitSignal): void {
  for (const [s, listener] of signalListeners) process.off(s, listener);
  signalListeners.clear();
  if (process.listenerCount(signal) > 0) return;
  // With no listener left, the default action applies again: the process ends by the signal.
  process.kill(process.pid, signal);
  setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 15)), RERAISE_GRACE_MILLIS).unref();
}

function onSignal(signal: NodeJS.Signals): void {
  const sig = signal as ExitSignal;
  if (signalled) return reraise(sig);
  signalled = true;
  const closing = [...entries.values()]
    .filter((e) => e.signals.has(sig))
    .map(async (entry) => {
      const tracer = entry.tracer;
      try {
        const result = await tracer.close({ timeoutMillis: entry.timeoutMillis });
        if (!result.complete) {
          const d = result.dropped;
          say(`on ${sig}, ${nameOf(tracer)} could not deliver everything within ${entry.timeoutMillis} ms: ${d.expired} span(s) expired, ${droppedTotal(d) - d.expired} dropped otherwise in this run.`);
        }
      } catch {
        // close() does not throw; a foreign tracer's might: the signal still ends the process
      }
    });
  void Promise.all(closing).then(() => reraise(sig));
}

function syncListeners(): void {
  if (entries.size > 0 && !processListeners) {
    processListeners = true;
    process.on('beforeExit', onBeforeExit);
    process.on('exit', onExit);
  } else if (entries.size === 0 && processListeners) {
    processListeners = false;
    process.off('beforeExit', onBeforeExit);
    process.off('exit', onExit);
  }
  const wanted = new Set<ExitSignal>();
  for (const e of entries.values()) for (const s of e.signals) wanted.add(s);
  for (const s of EXIT_SIGNALS) {
    const has = signalListeners.has(s);
    if (wanted.has(s) && !has) {
      signalListeners.set(s, onSignal);
      process.on(s, onSignal);
    } else if (!wanted.has(s) && has) {
      process.off(s, onSignal);
      signalListeners.delete(s);
    }
  }
}

/**
 * Registers a tracer for the process-wide exit handling (every tracer from `createTracer` is, by
 * default): when the event loop runs empty (`beforeExit`) its waiting spans are flushed, for at
 * most `timeoutMillis`; on `exit` what is still undelivered is counted as dropped and said in one
 * line on stderr; with `signals`, the tracer is closed on those signals, which are then raised again.
 * Returns a function that takes the tracer out again.
 */
export function watchExit(tracer: ExitFlushable, timeoutMillis: number, signals: readonly ExitSignal[]): () => void {
  const existing = entries.get(tracer);
  if (existing !== undefined) {
    existing.timeoutMillis = timeoutMillis;
    existing.signals = new Set([...existing.signals, ...signals]);
  } else {
    entries.set(tracer, { tracer, timeoutMillis, signals: new Set(signals), flushedAtEnded: -1, flushing: false, timedOut: false });
  }
  syncListeners();
  return () => unwatchExit(tracer);
}

/** Takes a tracer out of the exit handling (it was closed). */
export function unwatchExit(tracer: ExitFlushable): void {
  if (entries.delete(tracer)) syncListeners();
}

/**
 * For batch jobs: delivers the tracer's last spans when the process is about to end, without
 * keeping an otherwise finished process alive, and closes it on signals.
 *
 * - On `beforeExit` (the event loop is empty) it flushes if spans are waiting; the process then
 *   ends as it would have. It flushes again only if new spans ended meanwhile, so a flush that
 *   cannot finish never loops. (Every tracer from `createTracer` does this by default.)
 * - On `SIGTERM` and `SIGINT` it closes the tracer, then raises the signal again so the process
 *   ends as the signal would have ended it (exit status 128 + signal number). A second signal ends
 *   the process at once. If other listeners of that signal remain, they decide instead. What could
 *   not be delivered is said on stderr before the signal is raised again.
 *
 * One set of process listeners serves every tracer. Returns a function that removes the tracer
 * from the exit handling.
 *
 * @example
 * const tracer = createTracer({ serviceName: 'nightly-import', sink: zipkinHttpSink() });
 * flushOnExit(tracer, { timeoutMillis: 10_000 });
 * // or: createTracer({ serviceName: 'nightly-import', flushOnExit: true })
 * @throws {TypeError} when `tracer` has no flush/close/stats.
 * @throws {OptionsError} naming a bad option, e.g. `timeoutMillis: expected an integer >= 0`.
 */
export function flushOnExit(tracer: ExitFlushable, options: FlushOnExitOptions = {}): () => void {
  if (tracer === null || typeof tracer !== 'object' || typeof tracer.flush !== 'function' || typeof tracer.close !== 'function' || typeof tracer.stats !== 'function') {
    throw new TypeError('flushOnExit: tracer: expected a tracer from createTracer()');
  }
  const o = parseOptions('flushOnExit', flushOnExitOptionsShape, options);
  return watchExit(tracer, o.timeoutMillis ?? DEFAULT_EXIT_TIMEOUT_MILLIS, o.signals ?? DEFAULT_EXIT_SIGNALS);
}
