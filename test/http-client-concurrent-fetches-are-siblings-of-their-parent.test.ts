// The seed scenario: a proxy fans one request out to 4 object servers at once with span.fetch;
// the servers answer in a shuffled order. The 4 CLIENT spans are siblings under the proxy's
// span, each server span (tracer.httpHandler) joins its own client's span, and every caller
// gets its own fragment.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { b3Of, deferred, finishedSpans, listen, onlySpan, recording, spansEnded, stop, tagsOf, assertClientSpan, type Deferred } from './helpers/http-spans.js';

const FRAGMENTS = 4;

for (const order of [[2, 0, 3, 1], [3, 2, 1, 0]]) {
  test(`4 concurrent span.fetch calls from one parent are 4 siblings of it (answers in order ${order.join(',')})`, async (t) => {
    const client = recording('proxy');
    const servers = recording('object-server');
    const gates: Deferred[] = Array.from({ length: FRAGMENTS }, () => deferred());
    const arrived: Deferred[] = Array.from({ length: FRAGMENTS }, () => deferred());
    const headers: http.IncomingHttpHeaders[] = [];
    const objectServers = Array.from({ length: FRAGMENTS }, (_, i) =>
      http.createServer(
        servers.tracer.httpHandler(async (_span, req, res) => {
          headers[i] = req.headers;
          arrived[i]!.resolve();
          await gates[i]!.promise;
          res.end(`fragment-${i}`);
        }),
      ),
    );
    const ports = await Promise.all(objectServers.map(listen));
    t.after(() => Promise.all(objectServers.map(stop)));

    const root = client.tracer.startSpan('get object', { kind: 'SERVER' });
    const reads = ports.map((port, i) => root.fetch(`http://127.0.0.1:${port}/fragments/${i}`).then((res) => res.text()));
    await Promise.all(arrived.map((a) => a.promise));
    for (const i of order) gates[i]!.resolve();
    const fragments = await Promise.all(reads);
    assert.deepEqual(fragments, ['fragment-0', 'fragment-1', 'fragment-2', 'fragment-3'], 'each caller gets its own answer');

    const ids = headers.map((h) => b3Of(h)['x-b3-spanid']);
    assert.equal(new Set(ids).size, FRAGMENTS, 'each request carries its own span ID');
    for (const h of headers) {
      assert.equal(h['x-b3-traceid'], root.context.traceId);
      assert.equal(h['x-b3-parentspanid'], root.context.spanId, 'every request names the proxy span as its parent');
      assert.equal(h['x-b3-sampled'], '1');
    }

    await spansEnded(client, FRAGMENTS);
    await spansEnded(servers, FRAGMENTS);
    root.end();
    const clientSpans = await finishedSpans(client);
    const serverSpans = await finishedSpans(servers);
    const siblings = clientSpans.filter((s) => s.kind === 'CLIENT');
    assert.equal(siblings.length, FRAGMENTS);
    for (let i = 0; i < FRAGMENTS; i++) {
      const span = onlySpan(siblings, (s) => s.id === ids[i], `client span ${i}`);
      assertClientSpan(span, {
        name: 'GET',
        parentId: root.context.spanId,
        traceId: root.context.traceId,
        method: 'GET',
        path: `/fragments/${i}`,
        url: `http://127.0.0.1:${ports[i]}/fragments/${i}`,
        status: 200,
      });
      const joined = onlySpan(serverSpans, (s) => s.id === span.id, `server span ${i}`);
      assert.equal(joined.kind, 'SERVER');
      assert.equal(joined.shared, true, 'the server joined its client span');
      assert.equal(joined.parentId, root.context.spanId);
      assert.equal(tagsOf(joined)['http.path'], `/fragments/${i}`);
      // The client span covers its server span.
      assert.ok(span.timestamp! <= joined.timestamp! && joined.timestamp! + joined.duration! <= span.timestamp! + span.duration!);
    }
    // Ended in the order the servers answered.
    const endOf = (i: number): number => {
      const s = onlySpan(siblings, (x) => x.id === ids[i]);
      return s.timestamp! + s.duration!;
    };
    for (let k = 1; k < order.length; k++) assert.ok(endOf(order[k - 1]!) <= endOf(order[k]!), 'the answer order');
  });
}
