/**
 * A failure of the library's own, reported once per kind. Run-time problems are never thrown
 * into user code: they are counted, passed to `onError`, and warned about once per kind.
 */
export interface DiagnosticEvent {
  /** A stable code for the kind of failure, e.g. `SINK_WRITE_FAILED` or `BAD_TAG_VALUE`. */
  readonly kind: string;
  /** A human sentence saying what happened and what to do. Never holds collector credentials. */
  readonly message: string;
  /** The underlying error, when there is one. */
  readonly error?: unknown;
}

/** Receives every diagnostic event (not only the first of its kind). */
export type ErrorHandler = (event: DiagnosticEvent) => void;

/** Counts failures by kind; warns on the first of each kind. */
export class Diagnostics {
  readonly counts = new Map<string, number>();
  lastError: DiagnosticEvent | undefined;
  readonly #onError: ErrorHandler | undefined;
  readonly #warn: boolean;

  constructor(onError?: ErrorHandler, warn = true) {
    this.#onError = onError;
    this.#warn = warn;
  }

  report(kind: string, message: string, error?: unknown): void {
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
    if (seen === 0 && this.#warn) {
      process.emitWarning(`${message} (reported once; later ones are counted)`, {
        type: 'DeferredSpanWarning',
        code: `DEFERRED_SPAN_${kind}`,
      });
    }
  }
}
