// Operators see each kind of bad value once on stderr, however many spans carried it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('./fixtures/bad-values-warnings.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

test('a bad value repeated on 50 spans is warned about once per kind and counted 50 times', async () => {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', FIXTURE], { cwd: ROOT, env }, (error, out, err) => {
      if (error) reject(new Error(`${error.message}\n${err}`));
      else resolve({ stdout: out, stderr: err });
    });
  });
  const result = JSON.parse(stdout) as { spans: number; failures: Record<string, number> };
  assert.equal(result.spans, 50);
  assert.deepEqual(result.failures, { BAD_TAG_VALUE: 50, BAD_ENDPOINT: 50, BAD_ANNOTATION: 50 });

  const codes = [...stderr.matchAll(/\[DEFERRED_SPAN_([A-Z_]+)\]/g)].map((m) => m[1]).sort();
  assert.deepEqual(codes, ['BAD_ANNOTATION', 'BAD_ENDPOINT', 'BAD_TAG_VALUE'], stderr);
});
