/** What the list needs of a span: its start and the two links it keeps for the list. */
export interface OpenSpan<T extends OpenSpan<T>> {
  readonly start: number;
  prev: T | undefined;
  next: T | undefined;
}

/**
 * The sampled spans of a tracer that have not ended, oldest first: an intrusive doubly linked
 * list through the spans' own `prev`/`next` fields, so adding and removing cost no allocation.
 * It lets `close()` emit what is still open and `maxSpanDurationMillis` cut off what has been open
 * too long; it holds the records, never the handles that orphan tracking watches.
 */
export class OpenSpans<S extends OpenSpan<S>> {
  #head: S | undefined = undefined;
  #tail: S | undefined = undefined;
  #size = 0;
  /** Called when the list stops being empty (the tracer starts its sweep timer then). */
  readonly #onFirst: () => void;

  constructor(onFirst: () => void) {
    this.#onFirst = onFirst;
  }

  /** Spans open now. */
  get size(): number {
    return this.#size;
  }

  add(span: S): void {
    const tail = this.#tail;
    span.prev = tail;
    if (tail === undefined) this.#head = span;
    else tail.next = span;
    this.#tail = span;
    if (this.#size++ === 0) this.#onFirst();
  }

  /** Takes `span` off the list; does nothing if it is not on it. */
  remove(span: S): void {
    const { prev, next } = span;
    if (prev === undefined) {
      if (this.#head !== span) return;
      this.#head = next;
    } else {
      prev.next = next;
    }
    if (next === undefined) this.#tail = prev;
    else next.prev = prev;
    span.prev = undefined;
    span.next = undefined;
    this.#size--;
  }

  /**
   * Takes off and returns the spans that started before `before` (epoch microseconds), walking from
   * the oldest. Spans are in the order they were started, so the walk stops at the first younger one
   * (a span given an earlier `startTimestamp` waits for the spans started before it).
   */
  takeOlderThan(before: number): S[] {
    const out: S[] = [];
    let span = this.#head;
    while (span !== undefined && span.start < before) {
      const next = span.next;
      this.remove(span);
      out.push(span);
      span = next;
    }
    return out;
  }

  /** Takes off and returns every open span. */
  takeAll(): S[] {
    return this.takeOlderThan(Infinity);
  }
}
