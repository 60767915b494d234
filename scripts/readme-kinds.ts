// Rewrites the README's table of failure kinds from DIAGNOSTIC_KINDS, the one registry:
//   node --import tsx scripts/readme-kinds.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { DIAGNOSTIC_KINDS } from '../src/index.js';

const path = new URL('../README.md', import.meta.url);
const readme = readFileSync(path, 'utf8');
const rows = Object.entries(DIAGNOSTIC_KINDS).map(([kind, info]) => `| \`${kind}\` | ${info.stage} | ${info.meaning} | ${info.fix} |`);
const table = ['<!-- kinds -->', '| kind | stage | meaning | fix |', '| --- | --- | --- | --- |', ...rows, '<!-- /kinds -->'].join('\n');
const next = readme.replace(/<!-- kinds -->[\s\S]*?<!-- \/kinds -->/, table);
if (next === readme) console.log('README.md: the table of failure kinds is current');
else {
  writeFileSync(path, next);
  console.log(`README.md: wrote ${rows.length} failure kinds`);
}
