import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ZipkinSpan } from '../src/model/zipkin-span.js';
import { skewCorrection, TraceTreeBuilder, type TraceTree } from '../src/read/waterfall.js';
import { runMain } from './fixtures/cli-run.js';
import { tempFolder, writeSpanFile } from './fixtures/cli-send.js';

const T0 = 1_764_000_100_000_000;
const traceId = '5e441824ec2b6a44ffdc9bb9a6453df3';

function span(id: string, fields: Partial<ZipkinSpan> & { ip?: string; service?: string }): ZipkinSpan {
  const { ip, service, ...rest } = fields;
  return { traceId, id, localEndpoint: { serviceName: service ?? 'proxy', ...(ip === undefined ? {} : { ipv4: ip }) }, ...rest } as ZipkinSpan;
}

/** A proxy (10.0.0.1) calling an object server whose clock runs `behind` µs behind, with a child under the server. */
function rpc(serverAt: number, serverDuration: number, serverIp = '10.0.0.2'): ZipkinSpan[] {
  return [
    span('a000000000000001', { kind: 'SERVER', name: 'get object', timestamp: T0, duration: 20_000, ip: '10.0.0.1' }),
    span('a000000000000002', { parentId: 'a000000000000001', kind: 'CLIENT', name: 'get fragment', timestamp: T0 + 1000, duration: 10_000, ip: '10.0.0.1' }),
    span('a000000000000002', {
      parentId: 'a000000000000001', kind: 'SERVER', shared: true, name: 'get fragment', timestamp: serverAt, duration: serverDuration,
      ip: serverIp, service: 'object-server', annotations: [{ timestamp: serverAt + 1000, value: 'disk read' }],
    }),
    span('a000000000000003', { parentId: 'a000000000000002', name: 'read disk', timestamp: serverAt + 1000, duration: 3000, ip: serverIp, service: 'object-server' }),
  ];
}

function layout(spans: readonly ZipkinSpan[]): TraceTree {
  const builder = new TraceTreeBuilder();
  for (const s of spans) builder.add(s);
  return builder.build();
}

test('a server half that starts before its client on another host is centred in it, its subtree moved with it', () => {
  // The server's clock is 10 ms behind: it appears to start 11 ms before the client span.
  const tree = layout(rpc(T0 - 10_000, 6000));
  // Centred: (10,000 - 6,000) / 2 = 2 ms after the client's start, at T0 + 3 ms: a shift of 13 ms.
  assert.equal(tree.skew(2), 13_000);
  assert.equal(tree.shift(2), 13_000);
  assert.equal(tree.skew(3), 0, 'the child is not skewed itself');
  assert.equal(tree.shift(3), 13_000, 'the child on the same host moves with its parent');
  assert.equal(tree.shift(0), 0);
  assert.equal(tree.shift(1), 0);
  assert.equal(tree.skewed, 1);
  assert.equal(tree.start, T0, 'the trace starts at its root once corrected, not at the skewed server');
});

test('a server half that ends after its client is moved back into it', () => {
  const tree = layout(rpc(T0 + 9000, 6000));
  assert.equal(tree.skew(2), 3000 - 9000);
  assert.equal(tree.shift(3), -6000);
});

test('no correction when the server fits in its client, runs on the same host, or outlives a client it started after', () => {
  assert.equal(layout(rpc(T0 + 2000, 6000)).skewed, 0, 'fits');
  assert.equal(layout(rpc(T0 - 10_000, 6000, '10.0.0.1')).skewed, 0, 'same IP: one clock, whatever the services');
  assert.equal(layout(rpc(T0 + 2000, 30_000)).skewed, 0, 'the client stopped waiting first');
  const early = layout(rpc(T0 - 5000, 30_000));
  assert.equal(early.skew(2), 6001, 'longer than the client and before it: moved to start 1 µs after it');
});

test('the rule for one client and server, durations unknown included', () => {
  assert.equal(skewCorrection(100, 50, 110, 20), 0);
  assert.equal(skewCorrection(100, 50, 90, 20), 25);
  assert.equal(skewCorrection(100, 50, 140, 20), -25);
  assert.equal(skewCorrection(100, NaN, 90, 20), 11);
  assert.equal(skewCorrection(100, 50, 120, NaN), 0);
});

test('a server further down is judged against its client as corrected', () => {
  // object-server (10 ms behind) calls disk-server (on time): under the corrected client the
  // disk server fits, so only the first server is shifted.
  const spans = rpc(T0 - 10_000, 6000);
  spans[3] = span('a000000000000003', { parentId: 'a000000000000002', kind: 'CLIENT', name: 'read disk', timestamp: T0 - 9000, duration: 3000, ip: '10.0.0.2', service: 'object-server' });
  spans.push(span('a000000000000003', { parentId: 'a000000000000002', kind: 'SERVER', shared: true, name: 'read disk', timestamp: T0 + 4500, duration: 1000, ip: '10.0.0.3', service: 'disk-server' }));
  const tree = layout(spans);
  assert.equal(tree.shift(3), 13_000);
  assert.equal(tree.shift(4), 0, 'another host: not moved with the object server, and it fits its corrected client');
  assert.equal(tree.skewed, 1);
});

test('view draws the corrected times and marks the shifted span', async () => {
  const file = writeSpanFile(tempFolder(), 'skew.ndjson', rpc(T0 - 10_000, 6000));
  const { status, stdout, stderr } = await runMain(['view', file, '--width', '120']);
  assert.equal(stderr, '');
  assert.equal(status, 0);
  assert.match(stdout, /1 span \(⇆\) shifted for clock skew/);
  assert.match(stdout, /⇆ object-server: get fragment \(server\)\s+3\.000ms\s+6\.000ms/);
  assert.match(stdout, /skew \+13\.000ms: clocks differ; moved into its client span/);
  assert.match(stdout, /· disk read\s+4\.000ms/, 'annotations move with their span');
  assert.match(stdout, /object-server: read disk\s+4\.000ms\s+3\.000ms/, 'so does the subtree');
  assert.match(stdout, /trace 5e441824ec2b6a44ffdc9bb9a6453df3 .* 20\.000ms · 4 spans/);
});
