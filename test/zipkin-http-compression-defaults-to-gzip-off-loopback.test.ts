// Compression by default only where it saves something: off on loopback, gzip elsewhere; the
// header goes with every body, and the collector's gunzip gives back exactly the JSON batch.
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createTracer, OptionsError, zipkinHttpSink } from '../src/index.js';
import { resolveZipkinHttpSinkOptions } from '../src/deliver/zipkin-http-options.js';

test('compression defaults to none on loopback addresses and to gzip for any other collector', () => {
  for (const url of ['http://localhost:9411', 'http://127.0.0.1:9411', 'http://127.8.9.10/api/v2/spans', 'http://[::1]:9411', 'http://app.localhost:9411']) {
    assert.equal(resolveZipkinHttpSinkOptions({ url }).compression, 'none', url);
  }
  for (const url of ['http://zipkin:9411', 'https://collector.example.com/api/v2/spans', 'http://10.0.0.5:9411', 'http://[2001:db8::1]:9411']) {
    assert.equal(resolveZipkinHttpSinkOptions({ url }).compression, 'gzip', url);
  }
  assert.equal(resolveZipkinHttpSinkOptions({ url: 'http://zipkin:9411', compression: 'none' }).compression, 'none');
  assert.throws(() => zipkinHttpSink({ compression: 'brotli' as never }), (e: unknown) => e instanceof OptionsError && /compression: expected 'gzip' or 'none'/.test(e.message));
  assert.throws(() => zipkinHttpSink({ encoding: 'thrift' as never }), (e: unknown) => e instanceof OptionsError && /encoding: expected 'json' \(the default\) or 'proto3'/.test(e.message));
});

test('a gzip body carries Content-Encoding: gzip and gunzips to the JSON array of the batch', async () => {
  const bodies: Array<{ encoding: string | undefined; type: string | undefined; raw: Buffer }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push({ encoding: req.headers['content-encoding'], type: req.headers['content-type'], raw: Buffer.concat(chunks) });
      res.writeHead(202).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  try {
    const tracer = createTracer({ serviceName: 'gzip-header', sink: zipkinHttpSink({ url: `http://127.0.0.1:${port}/api/v2/spans`, compression: 'gzip', maxBatchSpans: 10 }) });
    const step = tracer.traced(async (span, i: number) => span.tag('i', i), { name: 'step' });
    await Promise.all(Array.from({ length: 35 }, (_, i) => step(i)));
    await tracer.close();
    assert.equal(tracer.stats().sent, 35);
    assert.equal(bodies.length, 4);
    const seen = new Set<string>();
    for (const b of bodies) {
      assert.equal(b.encoding, 'gzip');
      assert.equal(b.type, 'application/json');
      const spans = JSON.parse(gunzipSync(b.raw).toString('utf8')) as Array<{ id: string; name: string; tags: { i: string } }>;
      for (const s of spans) {
        assert.equal(s.name, 'step');
        seen.add(s.tags.i);
      }
    }
    assert.equal(seen.size, 35, 'every span once');
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
