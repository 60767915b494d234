// kafkaSink's options are checked when the sink is made, each bad one named with what was expected;
// credentials given in sasl never appear in the message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OptionsError } from '../src/index.js';
import { kafkaSink } from '../src/deliver/kafka.js';

function problems(options: unknown): readonly string[] {
  try {
    kafkaSink(options as never);
  } catch (error) {
    assert.ok(error instanceof OptionsError, String(error));
    return error.problems;
  }
  assert.fail('expected an OptionsError');
}

test('kafkaSink names each bad option with what it expects, and takes brokers as host:port only', async () => {
  assert.match(problems(undefined)[0]!, /^brokers: expected the bootstrap brokers as host:port strings/);
  assert.match(problems({ brokers: [] })[0]!, /^brokers: expected/);
  assert.match(problems({ brokers: ['kafka://k:9092'] })[0]!, /^brokers\.0: expected host:port, like 'kafka:9092' \(no scheme, no path\)/);
  assert.match(problems({ brokers: ['k:99999'] })[0]!, /^brokers\.0:/);
  assert.match(problems({ brokers: 'k:9092,bad' })[0]!, /^brokers: expected host:port/);
  assert.deepEqual(
    problems({ brokers: ['k:9092'], topic: 'a b', encoding: 'thrift', compression: 'zstd', maxMessageBytes: 10, maxBatchBytes: 5000 }).map((p) => p.split(':')[0]),
    ['topic', 'encoding', 'compression', 'maxMessageBytes', 'maxBatchBytes'],
  );
  assert.match(problems({ brokers: ['k:9092'], compression: 'lz4' })[0]!, /kafkajs ships gzip only/);
  assert.match(problems({ brokers: ['k:9092'], maxBatchBytes: 5000 })[0]!, /set maxMessageBytes instead/);
  const secret = 'hunter2-very-secret';
  const saslProblems = problems({ brokers: ['k:9092'], sasl: { mechanism: 'oauth', username: 'u', password: secret } });
  assert.match(saslProblems[0]!, /^sasl: expected \{ mechanism/);
  assert.ok(!saslProblems.join('\n').includes(secret), 'the password is never repeated');
  assert.match(problems({ brokers: ['k:9092'], topix: 'zipkin' }).join('\n'), /topix/);

  // What `deferred-span send --to kafka://host:port/topic` passes is all a sink needs.
  const sink = kafkaSink({ brokers: ['127.0.0.1:9092'], topic: 'spans' });
  assert.equal(sink.target, 'kafka://127.0.0.1:9092/spans');
  const ipv6 = kafkaSink({ brokers: '[::1]:9092, k2:9093' });
  assert.equal(ipv6.target, 'kafka://[::1]:9092/zipkin');
  await Promise.all([sink.close(), ipv6.close()]);
});
