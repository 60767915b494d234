import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createTracer,
  MAX_NAME_LENGTH,
  MAX_TAG_KEY_LENGTH,
  MAX_VALUE_LENGTH,
  memorySink,
  type DiagnosticEvent,
} from '../src/index.js';

test('every cut of a long name, tag key, tag value or annotation value is reported, and the span keeps the cut text', async () => {
  const events: DiagnosticEvent[] = [];
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'cuts', sink, warnings: false, onError: (e) => events.push(e) });

  const longName = 'n'.repeat(MAX_NAME_LENGTH + 10);
  const longKey = 'k'.repeat(MAX_TAG_KEY_LENGTH + 10);
  const longValue = 'v'.repeat(MAX_VALUE_LENGTH + 10);
  const longNote = 'a'.repeat(MAX_VALUE_LENGTH + 10);

  const run = tracer.traced(
    (span) => {
      span.tag(longKey, 'x').tag('plain', longValue).annotate(longNote);
    },
    { name: longName },
  );
  await run();
  await tracer.flush();

  const cuts = events.filter((e) => e.kind === 'VALUE_TRUNCATED').map((e) => e.message);
  assert.equal(cuts.length, 4, `one report per cut, got: ${cuts.join(' | ')}`);
  assert.ok(cuts.some((m) => m.includes('span name')));
  assert.ok(cuts.some((m) => m.includes('tag key')));
  assert.equal(cuts.filter((m) => m.includes('annotation value')).length, 2);

  const [span] = sink.spans;
  assert.ok(span);
  assert.equal(span.name?.length, MAX_NAME_LENGTH);
  assert.equal(span.tags?.['k'.repeat(MAX_TAG_KEY_LENGTH)], 'x');
  assert.equal(span.tags?.plain?.length, MAX_VALUE_LENGTH);
  assert.equal(span.annotations?.[0]?.value.length, MAX_VALUE_LENGTH);
});

test('a long tag key given when wrapping is cut and reported the same way as one set on the span', async () => {
  const events: DiagnosticEvent[] = [];
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'cuts', sink, warnings: false, onError: (e) => events.push(e) });
  const longKey = 'w'.repeat(MAX_TAG_KEY_LENGTH + 1);
  await tracer.traced(() => 1, { name: 'wrapped', tags: { [longKey]: 'v' } })();
  await tracer.flush();
  assert.deepEqual(
    events.filter((e) => e.kind === 'VALUE_TRUNCATED').map((e) => e.message),
    [`a tag key longer than ${MAX_TAG_KEY_LENGTH} characters was cut to that length`],
  );
  assert.equal(sink.spans[0]?.tags?.['w'.repeat(MAX_TAG_KEY_LENGTH)], 'v');
});
