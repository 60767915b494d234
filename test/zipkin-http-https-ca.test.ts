import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { zipkinHttpSink, type SpanRecord } from '../src/index.js';

/** A self-signed certificate for 127.0.0.1, made now with openssl. */
function selfSigned(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'zipkin-http-ca-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const span = (id: string): SpanRecord => ({
  traceId: '463ac35c9f6413ad48485a3953bb6124', id, parentId: undefined, name: 'tls', kind: undefined, timestamp: 1_700_000_000_000_000,
  duration: 5, localEndpoint: { serviceName: 'tls-test' }, remoteEndpoint: undefined, tags: {}, annotations: [], debug: false, shared: false,
});

test('an HTTPS collector with a private CA receives spans when the sink is given the CA, and is refused without it', async () => {
  const { key, cert } = selfSigned();
  const received: string[] = [];
  const server = https.createServer({ key, cert }, (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      for (const s of JSON.parse(body) as Array<{ id: string }>) received.push(s.id);
      res.writeHead(202).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2/spans`;
  try {
    const trusted = zipkinHttpSink({ url, ca: cert, warnings: false });
    trusted.write([span('00000000000000a1'), span('00000000000000a2')]);
    await trusted.close({ timeoutMillis: 10_000 });
    assert.deepEqual(received.sort(), ['00000000000000a1', '00000000000000a2']);
    assert.equal(trusted.stats().sent, 2);

    // Without the CA, Node's fetch does not trust the certificate: nothing is delivered.
    const untrusted = zipkinHttpSink({ url, maxRetries: 0, warnings: false });
    untrusted.write([span('00000000000000b1')]);
    await untrusted.close({ timeoutMillis: 10_000 });
    assert.equal(untrusted.stats().sent, 0);
    assert.equal(untrusted.stats().dropped.expired, 1);
    assert.match(untrusted.stats().lastError ?? '', /SELF_SIGNED|CERT|certificate/i);
    assert.deepEqual(received.sort(), ['00000000000000a1', '00000000000000a2']);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
