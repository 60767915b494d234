// An async handler that rejects: the client gets a 500, and the rejection stays what it is without
// tracing, an 'unhandledRejection' with the very error. The span ends once, tagged with it. (Run
// in child processes: an unhandled rejection would be the test runner's otherwise.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runModule } from './helpers/process.js';
import { assertZipkinSpan } from './helpers/zipkin-spec.js';
import type { ZipkinSpan } from '../src/index.js';

const index = fileURLToPath(new URL('../src/index.ts', import.meta.url));

interface ChildReport {
  unhandled: Array<{ message: string; same: boolean }>;
  uncaught: string[];
  status: number | string;
  spans: ZipkinSpan[];
}

function runChild(traced: boolean): Promise<ChildReport> {
  const code = `
    import http from 'node:http';
    import { once } from 'node:events';
    import { createTracer, memorySink } from ${JSON.stringify(index)};
    const sink = memorySink();
    const tracer = createTracer({ serviceName: 'server', sink, warnings: false });
    const rejected = new Error('async handler failed');
    const unhandled = [];
    const uncaught = [];
    let sawRejection;
    const seen = new Promise((resolve) => (sawRejection = resolve));
    process.on('unhandledRejection', (reason) => { unhandled.push({ message: reason.message, same: reason === rejected }); sawRejection(); });
    process.on('uncaughtException', (error) => uncaught.push(error.message));
    const handler = async () => { await null; throw rejected; };
    const server = http.createServer(${traced ? 'tracer.httpHandler((_span, req, res) => handler(req, res))' : 'handler'});
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const controller = new AbortController();
    const answer = fetch('http://127.0.0.1:' + server.address().port + '/rejects', { signal: controller.signal }).then((r) => r.status, (e) => e.name);
    await seen;
    ${traced ? '' : 'controller.abort();'}
    const status = await answer;
    server.closeAllConnections();
    server.close();
    ${traced ? "for (let i = 0; i < 1000 && tracer.stats().ended < 1; i++) await new Promise((r) => setTimeout(r, 5));" : ''}
    await tracer.flush();
    console.log(JSON.stringify({ unhandled, uncaught, status, spans: sink.spans }));
  `;
  return runModule<ChildReport>(code);
}

test('an async handler that rejects: 500 sent, the same unhandled rejection as without tracing, the span ends once', async () => {
  const [plain, traced] = await Promise.all([runChild(false), runChild(true)]);
  assert.deepEqual(plain.unhandled, [{ message: 'async handler failed', same: true }], 'without tracing: one unhandled rejection, the error');
  assert.deepEqual(traced.unhandled, plain.unhandled, 'with tracing: the same');
  assert.deepEqual(traced.uncaught, plain.uncaught);
  assert.equal(traced.status, 500, 'the client got a 500');
  assert.equal(traced.spans.length, 1);
  const span = traced.spans[0]!;
  assertZipkinSpan(span);
  assert.equal(span.kind, 'SERVER');
  assert.equal(span.tags?.error, 'async handler failed');
  assert.equal(span.tags?.['http.status_code'], '500');
});
