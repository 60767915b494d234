// Helpers for the Kafka sink's tests against a real broker. `npm test` starts one (scripts/kafka.sh)
// and exports its address as KAFKA_BOOTSTRAP_SERVERS; the Zipkin it starts (ZIPKIN_URL) consumes the
// `zipkin` topic there. A test that stops a broker starts one of its own (ownBroker), so the other
// test files running at the same time are not disturbed.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const kafkaScript = path.join(root, 'scripts', 'kafka.sh');
const zipkinScript = path.join(root, 'scripts', 'zipkin.sh');
/** Written by `scripts/kafka.sh fetch` once every jar is there. */
const kafkaLib = path.join(root, '.cache', 'kafka', 'lib', '.complete-4.1.1');
const zipkinJar = path.join(root, '.cache', 'zipkin', 'zipkin-server-3.6.1-exec.jar');

/** The broker of this test run (`host:port`), undefined if none. */
export const kafkaBootstrap: string | undefined = process.env.KAFKA_BOOTSTRAP_SERVERS || undefined;

const requireKafka = process.env.DEFERRED_SPAN_REQUIRE_KAFKA === '1';

function skipOrFail(reason: string): string {
  if (requireKafka) throw new Error(`DEFERRED_SPAN_REQUIRE_KAFKA=1 but ${reason}: run the tests with \`npm test\`, which fetches Kafka and starts the broker`);
  return reason;
}

/**
 * For `test(name, { skip: kafkaSkip() }, fn)`: a skip reason when there is no broker (or no Zipkin
 * reading it, with `zipkin`), false when there is. Throws under DEFERRED_SPAN_REQUIRE_KAFKA=1.
 */
export function kafkaSkip({ zipkin = false }: { zipkin?: boolean } = {}): string | false {
  if (kafkaBootstrap === undefined) return skipOrFail('no Kafka broker (KAFKA_BOOTSTRAP_SERVERS is not set; `npm test` starts one when Java 17+ and Maven are installed)');
  if (zipkin && !process.env.ZIPKIN_URL) return skipOrFail('no Zipkin reading the Kafka broker (ZIPKIN_URL is not set)');
  if (zipkin && process.env.DEFERRED_SPAN_ZIPKIN_READS_KAFKA === '0') return skipOrFail('the Zipkin at ZIPKIN_URL was not started by `npm test`, so it does not read the broker it started (set KAFKA_BOOTSTRAP_SERVERS to the broker that Zipkin reads)');
  return false;
}

/** A skip reason when this machine cannot run a broker (or a Zipkin, with `zipkin`) of a test's own; false when it can. */
export function ownBrokerSkip({ zipkin = false }: { zipkin?: boolean } = {}): string | false {
  if (!existsSync(kafkaLib)) return skipOrFail("Kafka's jars are not in .cache/kafka/lib (run: bash scripts/kafka.sh fetch; `npm test` does)");
  if (zipkin && !existsSync(zipkinJar)) return skipOrFail('the Zipkin server jar is not in .cache/zipkin (run: bash scripts/zipkin.sh fetch)');
  return false;
}

/** A hint for a wait that timed out: the read-back goes through Zipkin's Kafka collector. */
export const THROUGH_KAFKA = 'spans produced to Kafka to reach Zipkin (its Kafka collector must read KAFKA_BOOTSTRAP_SERVERS: scripts/zipkin.sh does when started with it)';

function script(file: string, command: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [file, command], { env: { ...process.env, ...env }, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(file)} ${command} failed: ${error.message}\n${stderr.slice(-2000)}`));
      else resolve(stdout.trim().split('\n').pop() ?? '');
    });
  });
}

/** A broker of a test's own: its own run directory, stopped (and its data removed) when the test ends. */
export interface OwnBroker {
  /** `127.0.0.1:port`: the same across stop() and start(). */
  readonly bootstrap: string;
  /** Starts it (the first time: formats its storage and creates the topics). */
  start(): Promise<string>;
  /** Stops it (SIGTERM, Kafka's controlled shutdown), keeping its data and port. */
  stop(): Promise<void>;
}

/**
 * A broker of the test's own on `port` (a free one when not given), not yet started unless
 * `start` is true. It is cleaned up after the test, and killed by a watchdog if the test process dies.
 */
export async function ownBroker(t: TestContext, { port, topics = 'zipkin', start = true }: { port?: number; topics?: string; start?: boolean } = {}): Promise<OwnBroker> {
  const runDir = mkdtempSync(path.join(tmpdir(), 'deferred-span-kafka-'));
  const env: NodeJS.ProcessEnv = { KAFKA_RUN_DIR: runDir, KAFKA_OWNER_PID: String(process.pid), KAFKA_TOPICS: topics, KAFKA_HEAP: '192m' };
  if (port !== undefined) env.KAFKA_PORT = String(port);
  t.after(() => script(kafkaScript, 'clean', env).then(() => undefined));
  let bootstrap = port === undefined ? '' : `127.0.0.1:${port}`;
  const broker: OwnBroker = {
    get bootstrap() {
      return bootstrap;
    },
    async start() {
      bootstrap = await script(kafkaScript, 'start', env);
      return bootstrap;
    },
    stop: () => script(kafkaScript, 'stop', env).then(() => undefined),
  };
  if (start) await broker.start();
  return broker;
}

/** A Zipkin of a test's own that consumes `bootstrap`'s `zipkin` topic; its base URL. Stopped after the test. */
export async function ownZipkin(t: TestContext, bootstrap: string): Promise<string> {
  const runDir = mkdtempSync(path.join(tmpdir(), 'deferred-span-zipkin-kafka-'));
  const env: NodeJS.ProcessEnv = { ZIPKIN_RUN_DIR: runDir, ZIPKIN_OWNER_PID: String(process.pid), ZIPKIN_HEAP: '256m', KAFKA_BOOTSTRAP_SERVERS: bootstrap };
  t.after(() => script(zipkinScript, 'stop', env).then(() => undefined));
  return script(zipkinScript, 'start', env);
}

/** GETs JSON from a Zipkin of a test's own; 404 (an unknown trace) reads as `notFound`. */
export async function zipkinJson<T>(base: string, pathAndQuery: string, notFound?: T): Promise<T> {
  const res = await fetch(`${base}${pathAndQuery}`, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (res.status === 404 && notFound !== undefined) return notFound;
  if (res.status !== 200) throw new Error(`Zipkin answered ${res.status} for ${pathAndQuery}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/**
 * The values of every message in `topic` from its start, read by a consumer of its own (a group of
 * its own) until `done` accepts them or `timeoutMs` passes (then it throws with what it read).
 */
export async function readTopic(bootstrap: string, topic: string, done: (values: Buffer[]) => boolean, timeoutMs = 20_000): Promise<Buffer[]> {
  const { Kafka, logLevel } = await import('kafkajs');
  const kafka = new Kafka({ brokers: [bootstrap], clientId: 'test-reader', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `test-reader-${process.pid}-${Math.random().toString(16).slice(2)}`, sessionTimeout: 10_000 });
  const values: Buffer[] = [];
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.value !== null) values.push(message.value);
        if (done(values)) finish();
      },
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
    const outcome = await Promise.race([finished, late]);
    clearTimeout(timer);
    if (outcome === 'late') throw new Error(`reading ${topic} at ${bootstrap}: ${values.length} message(s) after ${timeoutMs} ms, not what was awaited`);
    return values;
  } finally {
    await consumer.disconnect();
  }
}
