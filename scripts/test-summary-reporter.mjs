// A `node --test` reporter that writes one JSON object: the run's own closing counts (the
// `tests`/`pass`/`fail`/… lines every reporter prints at the end), the tests that failed
// (themselves, not a parent failed only by its subtests) and the skipped ones with their reasons. scripts/test.mjs adds it, to a file, beside the reporter you
// read, to summarise every Node version of its matrix; it works alike on Node 20 to 26.
//   node --test --test-reporter=spec --test-reporter-destination=stdout \
//     --test-reporter=./scripts/test-summary-reporter.mjs --test-reporter-destination=summary.json …
const COUNT = /^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) (\d+(?:\.\d+)?)$/;

const relative = (p) => (typeof p === 'string' && p.startsWith(`${process.cwd()}/`) ? p.slice(process.cwd().length + 1) : p);

/** Where a test is: its file relative to the working directory, unless that is its name (a file that failed as a whole). */
function where(data) {
  const file = relative(data.file);
  return file && file !== relative(data.name) ? file : undefined;
}

function errorText(error) {
  const cause = error?.cause ?? error;
  const text = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause ?? error);
  return text.split('\n').slice(0, 6).join('\n').slice(0, 800);
}

export default async function* summary(source) {
  const counts = {};
  const failed = [];
  const skipped = [];
  for await (const { type, data } of source) {
    if (type === 'test:diagnostic' && data.nesting === 0) {
      const m = COUNT.exec(String(data.message));
      if (m) counts[m[1]] = Number(m[2]);
    } else if (type === 'test:fail' && data.todo === undefined && data.details?.error?.failureType !== 'subtestsFailed') {
      // The tests that failed themselves, at any depth (a parent failed only by its subtests is not listed again).
      failed.push({ file: where(data), name: relative(data.name), error: errorText(data.details?.error) });
    } else if (type === 'test:pass' && data.skip !== undefined && data.skip !== false) {
      skipped.push({ file: where(data), name: data.name, reason: typeof data.skip === 'string' ? data.skip : '(no reason given)' });
    }
  }
  yield `${JSON.stringify({ counts, failed, skipped })}\n`;
}
