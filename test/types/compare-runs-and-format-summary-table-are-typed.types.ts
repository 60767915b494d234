// The benchmark-script API of summary --compare: compareRuns takes spans (a memory sink's, a file's),
// gives a SummaryComparison with a verdict per span name, formatSummaryTable takes a summary or a
// comparison and returns the CLI's text; recordEnvironment returns the span and its end.
import { compareRuns, formatSummaryTable, summarize, type Span, type SummarizableSpan, type SummaryComparison, type Tracer, type Verdict } from '../../src/index.js';
import { expectType, expectTypeOf, type Equal } from './expect.js';

declare const before: SummarizableSpan[];
declare const after: SummarizableSpan[];
declare const tracer: Tracer;

export function compareRunsAndFormatSummaryTableAreTyped(): void {
  const comparison = compareRuns(before, after, { noise: 0.02 });
  expectTypeOf(comparison).toEqual<SummaryComparison>();
  expectTypeOf(formatSummaryTable(comparison, { color: false, width: 120 })).toEqual<string>();
  expectTypeOf(formatSummaryTable(summarize(before))).toEqual<string>();
  // @ts-expect-error width is a number of columns
  formatSummaryTable(comparison, { width: 'wide' });
  // @ts-expect-error noise is a fraction, like 0.02
  compareRuns(before, after, { noise: '2%' });
  expectType<Equal<Verdict extends string ? true : false, true>>();

  const env = tracer.recordEnvironment();
  expectTypeOf(env.span).toEqual<Span>();
  expectTypeOf(env.end()).toEqual<void>();
}
