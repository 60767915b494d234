import type { SpanProblem } from '../read/span-file.js';
import { printable } from '../read/waterfall.js';
import type { CliIo } from './io.js';

/**
 * Reports skipped input on stderr, the first few in full and then only a count, so a garbage file
 * cannot flood the terminal; `skipped` decides the exit status.
 */
export class ProblemReport {
  readonly #io: CliIo;
  #shown = 0;
  /** Every problem added so far, shown or not. */
  skipped = 0;
  /** Problems written out in full; the rest are counted by `finish`. */
  static readonly SHOWN = 10;

  constructor(io: CliIo) {
    this.#io = io;
  }

  /** Counts one skipped line of a file (`SpanProblem`) or span from Zipkin (a sentence). */
  add(source: string, problem: SpanProblem | string): void {
    this.skipped++;
    if (this.#shown >= ProblemReport.SHOWN) return;
    this.#shown++;
    const text = typeof problem === 'string' ? `${source}: skipped ${problem}` : `${source}:${problem.line}: skipped: ${problem.message}`;
    // A JSON.parse message quotes the bad line, and a field path may hold a tag name: both are input.
    this.#io.stderr.write(printable(text) + '\n');
  }

  /** Writes how many were not shown, once the input has been read. */
  finish(): void {
    if (this.skipped > this.#shown) this.#io.stderr.write(`… and ${this.skipped - this.#shown} more skipped (${this.skipped} in all)\n`);
  }
}
