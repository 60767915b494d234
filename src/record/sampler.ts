import type { ParentInfo } from './span-api.js';

/**
 * The sampling rule, written once: a debug parent is always sampled; otherwise the parent's own
 * decision holds; without one, the tracer decides at `sampleRate`, from the trace ID when it is
 * known, so every span of a trace (and every service with the same rate) agrees.
 */
export class Sampler {
  readonly #rate: number;

  constructor(rate: number) {
    this.#rate = rate;
  }

  /** Whether a span under `parent` (null: a new root) is sampled. */
  sampled(parent: ParentInfo | null): boolean {
    if (parent === null) return this.#root();
    if (parent.debug) return true;
    const decided = parent.sampled;
    if (decided !== undefined) return decided;
    const traceId = parent.traceId;
    return traceId === undefined ? this.#root() : this.#byTraceId(traceId);
  }

  /** True when no call under this parent can be sampled: decided once, when a function is wrapped. */
  neverSampled(parent: ParentInfo | null): boolean {
    if (parent?.debug === true) return false;
    const decided = parent?.sampled;
    return decided === false || (decided === undefined && this.#rate <= 0);
  }

  #root(): boolean {
    const rate = this.#rate;
    return rate >= 1 ? true : rate <= 0 ? false : Math.random() < rate;
  }

  #byTraceId(traceId: string): boolean {
    const rate = this.#rate;
    if (rate >= 1) return true;
    if (rate <= 0) return false;
    return parseInt(traceId.slice(-8), 16) < rate * 0x1_0000_0000;
  }
}
