import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { compareEnvironments, compareRuns, createTracer, formatSummaryTable, memorySink, summarize, type RunEnvironment } from '../src/index.js';
import { runMain } from './fixtures/cli-run.js';

const dir = mkdtempSync(join(tmpdir(), 'summary-environment-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('tracer.recordEnvironment() records an environment span that summarize reads back', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'bench-env', sink });
  const env = tracer.recordEnvironment();
  await tracer.traced(async () => 1, { name: 'step' })();
  env.end();
  env.end();
  await tracer.flush();
  const recorded = sink.spans.filter((s) => s.name === 'environment');
  assert.equal(recorded.length, 1, 'ended once');
  const tags = recorded[0]!.tags!;
  assert.equal(tags['node.version'], process.version);
  assert.equal(tags['cpu.count'], String(cpus().length));
  assert.match(tags['load.start']!, /^\d+\.\d\d \d+\.\d\d \d+\.\d\d$/);
  assert.match(tags['load.end']!, /^\d+\.\d\d \d+\.\d\d \d+\.\d\d$/);
  assert.ok(tags['cpu.model'] !== undefined && tags.host !== undefined && tags.os !== undefined);
  // The names record/environment.ts writes are the ones summarize reads.
  const e = summarize(sink.spans).environment!;
  assert.equal(e.nodeVersion, process.version);
  assert.equal(e.cpuCount, cpus().length);
  assert.equal(e.host, tags.host);
  assert.equal(e.loadStart, Number(tags['load.start']!.split(' ')[0]));
  assert.equal(e.spans, 1);
  assert.equal(e.mixed, false);
  assert.match(formatSummaryTable(summarize(sink.spans)), /\nmeasured on host .*Node v\d+\.\d+\.\d+, load average \d+\.\d\d at start, \d+\.\d\d at end\n/);
  await tracer.close();
});

test('the job span of tracer.map carries the same tags', async () => {
  const sink = memorySink();
  const tracer = createTracer({ serviceName: 'bench-env-map', sink });
  await tracer.map([1, 2, 3], async (_span, n) => n * 2, { name: 'job' });
  await tracer.flush();
  const job = sink.spans.find((s) => s.name === 'job')!;
  assert.equal(job.tags!['node.version'], process.version);
  assert.ok(job.tags!['load.start'] !== undefined && job.tags!['load.end'] !== undefined);
  assert.equal(summarize(sink.spans).environment!.cpuCount, cpus().length);
  await tracer.close();
});

const machine: RunEnvironment = { nodeVersion: 'v20.11.0', cpuModel: 'Xeon', cpuCount: 2, host: 'ci-1', os: 'linux 6.1 x64', loadStart: 0.2, loadEnd: 0.3, maxLoad: 0.3, spans: 1, mixed: false };

test('compareEnvironments warns of another machine, another Node, a run under load, and a run that did not say', () => {
  assert.deepEqual(compareEnvironments(machine, machine), []);
  assert.deepEqual(compareEnvironments(null, null), []);
  const warnings = compareEnvironments(machine, { ...machine, host: 'laptop', nodeVersion: 'v22.1.0', maxLoad: 1.5 });
  assert.equal(warnings.length, 3, warnings.join('\n'));
  assert.match(warnings[0]!, /^the runs were measured on different machines \(A: host ci-1, 2 × Xeon, Node v20\.11\.0; B: host laptop/);
  assert.match(warnings[1]!, /^the runs used different Node versions \(A: v20\.11\.0, B: v22\.1\.0\)/);
  assert.match(warnings[2]!, /^B was measured under load: load average 1\.50 on 2 CPUs \(above 0\.5 per CPU\)/);
  // Exactly half the CPUs busy is not yet "under load".
  assert.deepEqual(compareEnvironments(machine, { ...machine, maxLoad: 1 }), []);
  assert.match(compareEnvironments(machine, null)[0]!, /^B does not say what it was measured on/);
});

test('summary --compare prints both environments and the warnings', async () => {
  const T = 1_764_000_000_000_000;
  const envSpan = (id: string, tags: Record<string, string>) => JSON.stringify({ traceId: '4e441824ec2b6a44', id, name: 'environment', timestamp: T, duration: 5000, localEndpoint: { serviceName: 'bench' }, tags });
  const step = (id: string) => JSON.stringify({ traceId: '4e441824ec2b6a44', id, name: 'step', timestamp: T + 10, duration: 100, localEndpoint: { serviceName: 'bench' } });
  const tags = { 'node.version': 'v20.11.0', 'cpu.model': 'Xeon', 'cpu.count': '2', host: 'ci-1', os: 'linux', 'load.start': '0.10 0.20 0.30', 'load.end': '0.20 0.20 0.30' };
  const a = join(dir, 'a.ndjson');
  const b = join(dir, 'b.ndjson');
  writeFileSync(a, `${envSpan('00000000000000a1', tags)}\n${step('00000000000000a2')}\n`);
  writeFileSync(b, `${envSpan('00000000000000b1', { ...tags, 'node.version': 'v22.1.0', 'load.end': '3.50 1.00 0.50' })}\n${step('00000000000000b2')}\n`);
  const { status, stdout } = await runMain(['summary', a, '--compare', b]);
  assert.equal(status, 0);
  assert.match(stdout, /\nA measured on host ci-1, 2 × Xeon, linux, Node v20\.11\.0, load average 0\.10 at start, 0\.20 at end\n/);
  assert.match(stdout, /\nB measured on .*Node v22\.1\.0, load average 0\.10 at start, 3\.50 at end\n/);
  assert.match(stdout, /\n⚠ the runs used different Node versions \(A: v20\.11\.0, B: v22\.1\.0\)\n/);
  assert.match(stdout, /\n⚠ B was measured under load: load average 3\.50 on 2 CPUs/);
  const json = JSON.parse((await runMain(['summary', a, '--compare', b, '--json'])).stdout) as { warnings: string[]; other: { environment: RunEnvironment } };
  assert.equal(json.warnings.length, 2);
  assert.equal(json.other.environment.maxLoad, 3.5);
  // compareRuns does the same from spans in memory.
  assert.equal(compareRuns([], []).warnings.length, 0);
});
