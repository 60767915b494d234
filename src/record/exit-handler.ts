import { constants } from 'node:os';
import { z } from 'zod';
import { parseOptions } from '../model/options-error.js';
import type { FlushOptions, FlushResult } from '../model/sink.js';

/** What `flushOnExit` uses of a tracer. */
export interface ExitFlushable {
  flush(options?: FlushOptions): Promise<FlushResult>;
  close(options?: FlushOptions): Promise<FlushResult>;
  stats(): { readonly queued: number; readonly inFlight: number; readonly ended: number };
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

const DEFAULT_EXIT_TIMEOUT_MILLIS = 5000;
const DEFAULT_SIGNALS: readonly ExitSignal[] = ['SIGTERM', 'SIGINT'];

const millis = 'expected an integer >= 0 (milliseconds), like 5000';

/** The one check of `flushOnExit` options, used by `flushOnExit()` and by `createTracer({ flushOnExit })`. */
export const flushOnExitOptionsSchema = z.strictObject({
  timeoutMillis: z.number({ error: millis }).int({ error: millis }).min(0, { error: millis }).optional(),
  signals: z
    .array(z.enum(EXIT_SIGNALS, { error: `expected ${EXIT_SIGNALS.map((s) => `"${s}"`).join(', ')}` }), { error: `expected an array of ${EXIT_SIGNALS.map((s) => `"${s}"`).join(', ')}` })
    .optional(),
});
/** If a re-raised signal does not end the process (someone ignores it), exit the same way a shell would report it. */
const RERAISE_GRACE_MILLIS = 1000;

/**
 * For batch jobs: delivers the tracer's last spans when the process is about to end, without
 * keeping an otherwise finished process alive.
 *
 * - On `beforeExit` (the event loop is empty) it flushes if spans are waiting; the process then
 *   ends as it would have. It flushes again only if new spans ended meanwhile, so a flush that
 *   cannot finish never loops.
 * - On `SIGTERM` and `SIGINT` it closes the tracer, then raises the signal again so the process
 *   ends as the signal would have ended it (exit status 128 + signal number). A second signal ends
 *   the process at once. If other listeners of that signal remain, they decide instead.
 *
 * Returns a function that removes the handlers.
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
  const o = parseOptions('flushOnExit', flushOnExitOptionsSchema, options);
  const timeoutMillis = o.timeoutMillis ?? DEFAULT_EXIT_TIMEOUT_MILLIS;
  const signals = o.signals ?? DEFAULT_SIGNALS;

  let installed = true;
  let flushing = false;
  let flushedAtEnded = -1;
  let signalled = false;

  const onBeforeExit = (): void => {
    if (flushing || signalled) return;
    const s = tracer.stats();
    // beforeExit fires again once the flush's work is done: flush again only for new spans.
    if (s.queued + s.inFlight === 0 || s.ended === flushedAtEnded) return;
    flushedAtEnded = s.ended;
    flushing = true;
    tracer.flush({ timeoutMillis }).then(
      () => {
        flushing = false;
      },
      () => {
        flushing = false;
      },
    );
  };

  const reraise = (signal: ExitSignal): void => {
    uninstall();
    if (process.listenerCount(signal) > 0) return;
    // With no listener left, the default action applies again: the process ends by the signal.
    process.kill(process.pid, signal);
    setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 15)), RERAISE_GRACE_MILLIS).unref();
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    const sig = signal as ExitSignal;
    if (signalled) {
      reraise(sig);
      return;
    }
    signalled = true;
    tracer.close({ timeoutMillis }).then(
      () => reraise(sig),
      () => reraise(sig),
    );
  };

  function uninstall(): void {
    if (!installed) return;
    installed = false;
    process.off('beforeExit', onBeforeExit);
    for (const s of signals) process.off(s, onSignal);
  }

  process.on('beforeExit', onBeforeExit);
  for (const s of signals) process.on(s, onSignal);
  return uninstall;
}
