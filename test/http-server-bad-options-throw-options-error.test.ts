// tracer.httpHandler checks its options when the listener is made: a misspelt key or a bad value
// throws OptionsError naming it (and the fix); a handler that is not a function is a TypeError.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OptionsError } from '../src/index.js';
import { finishedSpans, recording } from './helpers/http-spans.js';

const handler = (): void => undefined;

test('a misspelt option throws OptionsError naming the known key', async () => {
  const r = recording('server');
  for (const [bad, known] of [[{ jion: false }, 'join'], [{ nmae: 'x' }, 'name'], [{ rout: '/x' }, 'route'], [{ tag: {} }, 'tags']] as const) {
    assert.throws(() => r.tracer.httpHandler(handler, bad as never), (e: unknown) => {
      assert.ok(e instanceof OptionsError, `OptionsError for ${JSON.stringify(bad)}`);
      assert.match(e.message, new RegExp(Object.keys(bad)[0]!), 'names the misspelt key');
      assert.match(e.message, new RegExp(known), `suggests ${known}`);
      return true;
    });
  }
  assert.deepEqual(await finishedSpans(r), []);
});

test('bad option values throw OptionsError; a bad handler throws TypeError', () => {
  const r = recording('server');
  assert.throws(() => r.tracer.httpHandler(handler, { join: 'no' } as never), (e: unknown) => e instanceof OptionsError && /join/.test(e.message));
  assert.throws(() => r.tracer.httpHandler(handler, { name: '' }), (e: unknown) => e instanceof OptionsError && /name/.test(e.message));
  assert.throws(() => r.tracer.httpHandler(handler, { route: 7 } as never), (e: unknown) => e instanceof OptionsError && /route/.test(e.message));
  assert.throws(() => r.tracer.httpHandler(handler, 'join' as never), (e: unknown) => e instanceof OptionsError);
  assert.throws(() => r.tracer.httpHandler('handler' as never), TypeError);
  assert.doesNotThrow(() => r.tracer.httpHandler(handler, { join: false, name: 'get', route: '/x', tags: { a: 1 } }));
});
