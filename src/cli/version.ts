import { readFileSync } from 'node:fs';

/**
 * The package's version for `--version`, read from package.json two folders up: true both for
 * src/cli/ under tsx and for dist/cli/ once built. `unknown` rather than a failure if it is missing.
 */
export function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
