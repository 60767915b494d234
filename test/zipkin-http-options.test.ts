import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OptionsError, zipkinHttpSink } from '../src/index.js';

test('invalid zipkinHttpSink options throw an OptionsError naming each option and what is expected', () => {
  const problems = (options: unknown): readonly string[] => {
    try {
      zipkinHttpSink(options as never);
    } catch (error) {
      assert.ok(error instanceof OptionsError);
      assert.match(error.message, /^zipkinHttpSink: invalid options/);
      return error.problems;
    }
    assert.fail('expected an OptionsError');
  };
  assert.deepEqual(problems({ maxInFlight: 0, jitter: 2, maxBatchSpans: 1.5 }), [
    'maxBatchSpans: expected an integer >= 1, like 1000',
    'maxInFlight: expected an integer >= 1, like 4',
    'jitter: expected a number from 0 to 1, like 0.5',
  ]);
  assert.deepEqual(problems({ url: 'zipkin:9411' }), ['url: expected an http: or https: URL, got zipkin:']);
  assert.deepEqual(problems({ url: 'not a url' }), ['url: expected an absolute http(s) URL, like "http://localhost:9411/api/v2/spans"']);
  // The credentials themselves are not repeated in the message.
  const withUser = problems({ url: 'http://alice:hunter22@zipkin:9411/api/v2/spans' });
  assert.match(withUser[0]!, /^url: credentials in the URL .* pass them in headers/);
  assert.ok(!withUser.join('').includes('hunter22'));
  assert.deepEqual(problems({ url: 'http://zipkin:9411/api/v2/spans', ca: 'PEM' }), ['ca: a CA only applies to an https: URL; remove ca or use https://']);
  assert.deepEqual(problems({ initialBackoffMillis: 500, maxBackoffMillis: 100 }), ['maxBackoffMillis: expected at least initialBackoffMillis (500)']);
  assert.deepEqual(problems({ headers: { authorization: 42 } }), ['headers.authorization: expected string header values, like { authorization: "Bearer …" }']);
  assert.match(problems({ maxInflight: 2 })[0]!, /unknown option\(s\) "maxInflight"/);
  const badValue = problems({ headers: { authorization: 'Bearer abc\r\nx-evil: 1' } });
  assert.deepEqual(badValue, ['headers.authorization: expected a header value without line breaks or NUL characters']);
  assert.deepEqual(problems({ headers: { 'x api key': 'k' } }), ['headers.x api key: expected a header name of letters, digits and !#$%&\'*+.^_`|~- (no spaces or colons)']);
});
