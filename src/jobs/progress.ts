import type { MapProgress } from './map.js';
import { boolean, func, nonEmptyString, numberIn, optional, parseOptions, rule, withDefault } from '../model/option-rules.js';

/** Where a progress line is written: a `process.stdout`-like stream. */
export interface ProgressStream {
  write(text: string): unknown;
  /** True on a terminal: the line is redrawn in place. */
  readonly isTTY?: boolean | undefined;
  /** Terminal width; longer lines are cut so that `\r` redraws stay on one line. */
  readonly columns?: number | undefined;
}

/** Options of `progressLine`. */
export interface ProgressLineOptions {
  /**
   * Where to write.
   * @default process.stdout
   */
  readonly stream?: ProgressStream;
  /**
   * What the items are called on the line.
   * @default 'items'
   */
  readonly label?: string;
  /**
   * Redraw the line at most this often (updates in between are only counted).
   * @default 100
   */
  readonly minIntervalMillis?: number;
  /**
   * Redraw in place with `\r`. Off: nothing until `finish()`, which writes one summary line.
   * @default stream.isTTY === true
   */
  readonly tty?: boolean;
  /** Milliseconds now, for tests. @default performance.now */
  readonly now?: () => number;
}

/** A progress display for `map`. */
export interface ProgressLine {
  /** Pass it as `map`'s `onProgress`. A bound function: no `this` needed. */
  readonly update: (progress: MapProgress) => void;
  /**
   * Writes the summary line (on a TTY it replaces the progress line) and returns it.
   * @param note appended to the line, e.g. `'aborted'`.
   */
  finish(note?: string): string;
}

const progressLineShape = {
  stream: optional(rule<ProgressStream>((v) => v !== null && typeof v === 'object' && typeof (v as { write?: unknown }).write === 'function', 'expected a stream with a write(text) method, like process.stdout or process.stderr')),
  label: withDefault(nonEmptyString('expected a non-empty string, like "images"'), 'items'),
  minIntervalMillis: withDefault(numberIn(0, Infinity, 'expected a number of milliseconds, 0 or more, like 100'), 100),
  tty: optional(boolean('expected true (redraw in place) or false (one summary line at the end)')),
  now: optional(func<() => number>('expected a function returning milliseconds, like performance.now')),
};

// Made on first use: a NumberFormat loads ICU's locale data, about 7 MB that importing the library need not cost.
let integerFormat: Intl.NumberFormat | undefined;
let oneDecimalFormat: Intl.NumberFormat | undefined;
/** `1,234,567` */
const integer = (n: number): string => (integerFormat ??= new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })).format(n);
/** `12.5` */
const oneDecimal = (n: number): string => (oneDecimalFormat ??= new Intl.NumberFormat('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 })).format(n);

/**
 * A duration for humans: `45s`, `3m05s`, `2h07m`.
 * @example formatDuration(185_000) // '3m05s'
 */
export function formatDuration(millis: number): string {
  const s = Math.max(0, Math.round(millis / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Items per second so far, or 0 before any time has passed. */
function rateOf(settled: number, elapsedMillis: number): number {
  return elapsedMillis > 0 ? (settled * 1000) / elapsedMillis : 0;
}

function formatRate(rate: number): string {
  return rate >= 100 ? integer(rate) : oneDecimal(rate);
}

/**
 * The text of a progress line: items settled (of the total when known), failures, calls in
 * flight, rate and, when the total is known, the time left at the rate so far.
 * @example
 * formatProgress({ done: 1200, failed: 3, inFlight: 16, total: 10000 }, 6000)
 * // '1,203/10,000 items (12.0%) · 3 failed · 16 in flight · 201/s · ETA 44s'
 */
export function formatProgress(progress: MapProgress, elapsedMillis: number, label = 'items'): string {
  const settled = progress.done + progress.failed;
  const total = progress.total;
  const rate = rateOf(settled, elapsedMillis);
  let line =
    total === undefined
      ? `${integer(settled)} ${label}`
      : `${integer(settled)}/${integer(total)} ${label} (${oneDecimal(total === 0 ? 100 : (settled * 100) / total)}%)`;
  if (progress.failed > 0) line += ` · ${integer(progress.failed)} failed`;
  line += ` · ${integer(progress.inFlight)} in flight · ${formatRate(rate)}/s`;
  if (total !== undefined && rate > 0) line += ` · ETA ${formatDuration(((total - settled) / rate) * 1000)}`;
  return line;
}

/**
 * The final line: `10,000 items: 9,997 done, 3 failed in 12.3s (812/s)`.
 * @example formatSummary({ done: 9997, failed: 3, inFlight: 0 }, 12_300) // '10,000 items: 9,997 done, 3 failed in 12.3s (813/s)'
 */
export function formatSummary(progress: MapProgress, elapsedMillis: number, label = 'items'): string {
  const settled = progress.done + progress.failed;
  const seconds = elapsedMillis < 60_000 ? `${oneDecimal(elapsedMillis / 1000)}s` : formatDuration(elapsedMillis);
  return (
    `${integer(settled)} ${label}: ${integer(progress.done)} done, ${integer(progress.failed)} failed` +
    ` in ${seconds} (${formatRate(rateOf(settled, elapsedMillis))}/s)`
  );
}

/**
 * A progress line for long `map` jobs. On a TTY it redraws one line in place (`\r`), at most every
 * `minIntervalMillis`; elsewhere (a pipe, a CI log) it writes nothing until `finish()`, which writes
 * one summary line, so logs get no wall of carriage returns.
 *
 * @example
 * const progress = progressLine({ label: 'images' });
 * try {
 *   await tracer.map(images, resize, { results: false, onProgress: progress.update });
 * } finally {
 *   progress.finish();
 * }
 * @throws {OptionsError} naming a bad option, e.g. `minIntervalMillis: expected a number of milliseconds`.
 */
export function progressLine(options: ProgressLineOptions = {}): ProgressLine {
  const o = parseOptions('progressLine', progressLineShape, options);
  const stream: ProgressStream = o.stream ?? process.stdout;
  const tty = o.tty ?? stream.isTTY === true;
  const now = o.now ?? (() => performance.now());
  const label = o.label;
  const interval = o.minIntervalMillis;
  const started = now();
  let last: MapProgress = { done: 0, failed: 0, inFlight: 0 };
  let drawnAt = -Infinity;
  let drawn = false;

  const fit = (line: string): string => {
    const columns = stream.columns;
    return typeof columns === 'number' && columns > 1 && line.length >= columns ? line.slice(0, columns - 1) : line;
  };

  const update = (progress: MapProgress): void => {
    last = progress;
    if (!tty) return;
    const t = now();
    if (t - drawnAt < interval) return;
    drawnAt = t;
    drawn = true;
    stream.write(`\r${fit(formatProgress(progress, t - started, label))}\x1b[K`);
  };

  return {
    update,
    finish(note?: string): string {
      let line = formatSummary(last, now() - started, label);
      if (note !== undefined && note !== '') line += ` (${note})`;
      stream.write(tty && drawn ? `\r${line}\x1b[K\n` : `${line}\n`);
      return line;
    },
  };
}
