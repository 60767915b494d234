// The project's shared specs (shared/specs/…), which live beside the repository root, not in it:
// a clone from the public repository has no ../shared, CI puts a copy there. Tests that read them
// skip, saying why, when they are absent; with DEFERRED_SPAN_REQUIRE_SHARED=1 (CI sets it, see
// .ci/run) they fail instead, so CI cannot silently skip them.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The shared/ directory beside the repository root (test/helpers/ → ../../../shared/). */
export const SHARED_DIR = new URL('../../../shared/', import.meta.url);

const requireShared = process.env.DEFERRED_SPAN_REQUIRE_SHARED === '1';

/** The URL of a file under shared/, e.g. sharedFile('specs/zipkin2-api.yaml'); it may not exist. */
export function sharedFile(relativePath: string): URL {
  return new URL(relativePath, SHARED_DIR);
}

/**
 * For `test(name, { skip: sharedSkip('specs/zipkin2-api.yaml') }, fn)`: a skip reason naming the
 * missing files when any of them is absent, false when all are there. Throws (failing the test
 * file) when DEFERRED_SPAN_REQUIRE_SHARED=1 and one is missing.
 */
export function sharedSkip(...relativePaths: string[]): string | false {
  const missing = relativePaths.filter((p) => !existsSync(sharedFile(p)));
  if (missing.length === 0) return false;
  const where = missing.map((p) => fileURLToPath(sharedFile(p))).join(', ');
  if (requireShared) {
    throw new Error(`DEFERRED_SPAN_REQUIRE_SHARED=1 but ${where} is missing: put the project's shared/ directory beside the repository root`);
  }
  return `${where} is missing (the shared/ specs beside the repository root are not in a clone of the public repository; set DEFERRED_SPAN_REQUIRE_SHARED=1 to make this a failure)`;
}
