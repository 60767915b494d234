// The README ships in the package and is the registry's page for it, where only dist/ is next to
// it: a relative link (docs/…, test/…) would lead nowhere there. So every link is absolute or an
// anchor of the README itself, and every absolute link into this repository names a file that is
// here, so that moving a file cannot leave a dead link behind.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const REPOSITORY = /^https:\/\/(?:github\.com\/deferred-span\/deferred-span\/(?:blob|tree)\/main|raw\.githubusercontent\.com\/deferred-span\/deferred-span\/main)\/([^#?]+)/;

/** The README's prose: fenced blocks hold commands and output, not links. */
const prose = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  .split(/^```.*$/m)
  .filter((_, i) => i % 2 === 0)
  .join('\n');
const targets = [...prose.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens. */
const anchors = new Set(
  [...prose.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]!.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replaceAll(' ', '-')),
);

test('every link in the README is absolute or an anchor of the README, so it works from the registry page', () => {
  assert.ok(targets.length >= 10, `found ${targets.length} links`);
  const relative = targets.filter((t) => !/^(?:https?:\/\/|#|mailto:)/.test(t));
  assert.deepEqual(relative, [], 'relative links: make them https://github.com/deferred-span/deferred-span/blob/main/<path>');
  const unknownAnchors = targets.filter((t) => t.startsWith('#') && !anchors.has(t.slice(1)));
  assert.deepEqual(unknownAnchors, [], `anchors without a heading (headings: ${[...anchors].join(', ')})`);
});

test("every README link into this repository names a file or folder that exists here, images through raw.githubusercontent.com", () => {
  const intoRepository = targets.filter((t) => REPOSITORY.test(t));
  assert.ok(intoRepository.length >= 5, `found ${intoRepository.length} links into the repository`);
  const missing = intoRepository.filter((t) => !existsSync(root + decodeURIComponent(REPOSITORY.exec(t)![1]!)));
  assert.deepEqual(missing, []);
  const images = [...prose.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
  assert.deepEqual(images.filter((t) => !t.startsWith('https://raw.githubusercontent.com/')), [], 'a github.com/…/blob/ address is a page, not an image');
});
