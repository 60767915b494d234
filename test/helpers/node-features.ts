// Features that exist on some Node versions only (`npm test` runs the suite on Node 20, 22, 24 and
// a smoke run on 26; see scripts/test.mjs). A test of such a feature checks it where it exists and
// checks what happens without it where it does not, on every version: it never skips by version,
// which CI's matrix would hit. Each fact below comes from Node's changelog; the tests also check
// the fact itself (the channel is published, the flag is accepted), so a wrong entry fails
// instead of quietly testing the other branch.
import { AsyncLocalStorage } from 'node:async_hooks';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);

/** This Node is at least one of the given releases of its own line (e.g. 22.12 or 23.2), or of a later major than all of them. */
function since(...releases: Array<[number, number]>): boolean {
  const last = Math.max(...releases.map(([m]) => m));
  if (major > last) return true;
  return releases.some(([m, n]) => major === m && minor >= n);
}

export const nodeVersion = { major, minor, text: process.version };

/**
 * diagnostics_channel `http.client.request.created` (published when an http.ClientRequest is made,
 * before anything is sent): Node 22.12 and 23.2 on; not on Node 20.
 */
export const hasHttpClientRequestCreated = since([22, 12], [23, 2]);

/**
 * The flag that switches this Node's AsyncLocalStorage to the implementation that is not its
 * default, if it has two: AsyncContextFrame is opt-in on Node 22.7+ and 23
 * (`--experimental-async-context-frame`), the default from Node 24 (`--no-async-context-frame`
 * returns to async_hooks); Node 20 has only async_hooks.
 */
export const otherAsyncLocalStorageFlag: string | undefined =
  major >= 24 ? '--no-async-context-frame' : since([22, 7]) ? '--experimental-async-context-frame' : undefined;

/** Whether AsyncContextFrame backs AsyncLocalStorage by default on this Node (24 on). */
export const asyncContextFrameByDefault = major >= 24;

/**
 * Which implementation backs AsyncLocalStorage in this process. Node has no public API for it:
 * the async_hooks one has `_enable`/`_propagate` on its prototype, the AsyncContextFrame one not.
 */
export function asyncLocalStorageImplementation(): 'AsyncContextFrame' | 'async_hooks' {
  return '_propagate' in AsyncLocalStorage.prototype ? 'async_hooks' : 'AsyncContextFrame';
}
