// A traced wrapper is checked like fn itself: wrong, missing and extra arguments do not compile,
// and fn must take the span first.
import { traced, type Span, type Tracer } from '../../src/index.js';

declare const tracer: Tracer;

export function tracedRejectsWrongArguments(): void {
  const resize = tracer.traced(async (_span, path: string, width: number) => `${path}@${width}`);
  void resize('a.png', 100);
  // @ts-expect-error: width must be a number
  void resize('a.png', '100');
  // @ts-expect-error: width is missing
  void resize('a.png');
  // @ts-expect-error: one argument too many
  void resize('a.png', 100, true);

  const lookup = traced((_span, id: string) => id.length);
  void lookup('42');
  // @ts-expect-error: id must be a string
  void lookup(42);
  // @ts-expect-error: id is missing
  void lookup();

  const withOptional = traced((_span, url: string, timeoutMillis?: number) => url + String(timeoutMillis));
  void withOptional('http://x');
  void withOptional('http://x', 5);
  void withOptional('http://x', undefined);
  // @ts-expect-error: timeoutMillis, optional, is still a number
  void withOptional('http://x', '5');

  const none = tracer.traced((_span: Span) => 1);
  void none();
  // @ts-expect-error: the wrapper takes no arguments: the span is not passed by the caller
  void none({} as Span);

  // @ts-expect-error: fn's first parameter receives the span, which is not a string
  tracer.traced((url: string) => url);
  // @ts-expect-error: fn must be a function
  traced('not a function');
  // @ts-expect-error: fn is required
  tracer.traced();

  // The result type is checked at the use site too.
  void (async () => {
    const text = await resize('a.png', 100);
    // @ts-expect-error: the wrapper resolves to a string, not a number
    const n: number = text;
    void n;
  });
}
