// Which annotations a span's encoders write: Zipkin's model says annotations are unique items, so a
// repeat (the same timestamp text and value) is left out, by every encoder the same way.
import type { Annotation } from '../model/span-record.js';

/** Above this many annotations the duplicate check uses a set (as the text encoder does) rather than comparing pairs. */
export const PAIRWISE_MAX = 16;

/**
 * Whether `events[i]` repeats an earlier annotation (the same timestamp text and value), which the
 * text encoder leaves out. `seen` is undefined for up to PAIRWISE_MAX annotations (pairs are
 * compared), else a set of the keys so far, which this adds to: ask for every `i` in order.
 */
export function isRepeat(events: readonly Annotation[], i: number, seen: Set<string> | undefined): boolean {
  if (seen === undefined) return i > 0 && repeats(events, i);
  const a = events[i]!;
  const key = a.timestamp + ' ' + a.value;
  if (seen.has(key)) return true;
  seen.add(key);
  return false;
}

function repeats(events: readonly Annotation[], i: number): boolean {
  const a = events[i]!;
  const t = a.timestamp;
  const value = a.value;
  for (let j = 0; j < i; j++) {
    const e = events[j]!;
    // `timestamp + ' ' + value` is the text encoder's key: NaN's text equals NaN's.
    if ((e.timestamp === t || (t !== t && e.timestamp !== e.timestamp)) && e.value === value) return true;
  }
  return false;
}
