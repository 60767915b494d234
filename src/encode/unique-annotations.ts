// Which annotations a span's encoders write: Zipkin's model says annotations are unique items, so a
// repeat (the same timestamp text and value) is left out, by every encoder the same way.
import type { Annotation } from '../model/span-record.js';

/** Above this many annotations the duplicate check uses a set (as the text encoder does) rather than comparing pairs. */
export const PAIRWISE_MAX = 16;

/** Whether `events[i]` repeats an earlier annotation (the same timestamp text and value), which the text encoder leaves out. */
export function repeats(events: readonly Annotation[], i: number): boolean {
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
