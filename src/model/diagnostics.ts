import type { DiagnosticKind } from './diagnostic-kinds.js';

/**
 * A failure of the library's own, reported once per kind. Run-time problems are never thrown
 * into user code: they are counted, passed to `onError`, and warned about once per kind.
 */
export interface DiagnosticEvent {
  /** A stable code for the kind of failure, e.g. `SINK_WRITE_FAILED` or `BAD_TAG_VALUE` (every kind: `DIAGNOSTIC_KINDS`). */
  readonly kind: DiagnosticKind;
  /** A human sentence saying what happened and what to do. Never holds collector credentials. */
  readonly message: string;
  /** The underlying error, when there is one. */
  readonly error?: unknown;
}

/** Receives every diagnostic event (not only the first of its kind). */
export type ErrorHandler = (event: DiagnosticEvent) => void;

/**
 * Counts failures by kind; warns on the first of each kind. A sink made before its tracer
 * (`zipkinHttpSink()`) reports into its own, which is attached to the tracer's: the tracer then
 * counts the kind in `stats().failures` and calls its `onError` too, while warnings follow the
 * sink's own `warnings` option (the default sink is made with the tracer's).
 */
export class Diagnostics {
  readonly counts = new Map<DiagnosticKind, number>();
  lastError: DiagnosticEvent | undefined;
  readonly #onError: ErrorHandler | undefined;
  readonly #warn: boolean;
  #parent: Diagnostics | undefined;

  constructor(onError?: ErrorHandler, warn = true) {
    this.#onError = onError;
    this.#warn = warn;
  }

  /** From now on, reports also go to `parent` (a tracer's), which counts them and calls its `onError`. */
  attach(parent: Diagnostics): void {
    if (parent !== this) this.#parent = parent;
  }

  report(kind: DiagnosticKind, message: string, error?: unknown, warn = true): void {
    const seen = this.counts.get(kind) ?? 0;
    this.counts.set(kind, seen + 1);
    const event: DiagnosticEvent = error === undefined ? { kind, message } : { kind, message, error };
    this.lastError = event;
    if (this.#onError) {
      try {
        this.#onError(event);
      } catch {
        // A throwing hook must not turn into a throw inside the traced call.
      }
    }
    // Forwarded without a warning of the parent's: this one warns by its own setting, once.
    this.#parent?.report(kind, message, error, false);
    if (seen === 0 && warn && this.#warn) {
      process.emitWarning(`${message} (reported once; later ones are counted)`, {
        type: 'DeferredSpanWarning',
        code: `DEFERRED_SPAN_${kind}`,
      });
    }
  }
}
