// A handler that throws synchronously: the client gets a 500, and the error is not swallowed.
// Without tracing, a request listener's throw is an uncaught exception; with tracing it is the
// same one, the very error thrown. The span ends once, tagged with it. (Run in child processes:
// an uncaught exception would be the test runner's otherwise.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runModule } from './helpers/process.js';
import { assertZipkinSpan } from './helpers/zipkin-spec.js';
import type { ZipkinSpan } from '../src/index.js';

const index = fileURLToPath(new URL('../src/index.ts', import.meta.url));

interface ChildReport {
  uncaught: Array<{ message: string; same: boolean }>;
  status: number | string;
  spans: ZipkinSpan[];
}

/** A child with one server whose handler throws; it fetches once and reports what happened. */
function runChild(traced: boolean): Promise<ChildReport> {
  const code = `
    import http from 'node:http';
    import { once } from 'node:events';
    import { createTracer, memorySink } from ${JSON.stringify(index)};
    const sink = memorySink();
    const tracer = createTracer({ serviceName: 'server', sink, warnings: false });
    const thrown = new Error('handler blew up');
    const uncaught = [];
    let sawUncaught;
    const seen = new Promise((resolve) => (sawUncaught = resolve));
    process.on('uncaughtException', (error) => { uncaught.push({ message: error.message, same: error === thrown }); sawUncaught(); });
    const handler = () => { throw thrown; };
    const server = http.createServer(${traced ? 'tracer.httpHandler((_span, req, res) => handler(req, res))' : 'handler'});
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const controller = new AbortController();
    const answer = fetch('http://127.0.0.1:' + server.address().port + '/throws', { signal: controller.signal }).then((r) => r.status, (e) => e.name);
    await seen;
    // Without tracing nothing answers: the client gives up once the exception has been seen.
    ${traced ? '' : 'controller.abort();'}
    const status = await answer;
    server.closeAllConnections();
    server.close();
    ${traced ? "for (let i = 0; i < 1000 && tracer.stats().ended < 1; i++) await new Promise((r) => setTimeout(r, 5));" : ''}
    await tracer.flush();
    console.log(JSON.stringify({ uncaught, status, spans: sink.spans }));
  `;
  return runModule<ChildReport>(code);
}

test('a handler that throws synchronously: 500 sent, the same uncaught exception as without tracing, the span ends once', async () => {
  const [plain, traced] = await Promise.all([runChild(false), runChild(true)]);
  assert.deepEqual(plain.uncaught, [{ message: 'handler blew up', same: true }], 'without tracing: one uncaught exception, the error thrown');
  assert.deepEqual(traced.uncaught, plain.uncaught, 'with tracing: the same');
  assert.equal(traced.status, 500, 'the client got a 500');
  assert.equal(traced.spans.length, 1, 'one span');
  const span = traced.spans[0]!;
  assertZipkinSpan(span);
  assert.equal(span.kind, 'SERVER');
  assert.equal(span.tags?.error, 'handler blew up');
  assert.equal(span.tags?.['http.status_code'], '500');
});
