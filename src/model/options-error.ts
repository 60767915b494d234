/** Thrown when options are invalid. Its message names each bad option, what was expected and how to fix it. */
export class OptionsError extends TypeError {
  /** One line per problem, `path: what was expected`. */
  readonly problems: readonly string[];
  constructor(where: string, problems: readonly string[]) {
    super(`${where}: invalid options\n  ${problems.join('\n  ')}`);
    this.name = 'OptionsError';
    this.problems = problems;
  }
}

/** Edit distance, for suggesting the option a misspelt key meant. Keys are short: the quadratic table is fine. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The known option closest to `key`, if one is close enough to be what was meant. */
export function closestOption(key: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const a = key.toLowerCase();
    const b = candidate.toLowerCase();
    // `parentSpan` for `parent`: a known name inside the key is what was meant.
    const d = a.startsWith(b) || b.startsWith(a) ? 1 : distance(key, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/** One problem line for unknown keys, with the closest known name for each. */
export function unknownOptions(path: string, keys: readonly string[], known: Iterable<string>): string {
  const names = keys.map((k) => JSON.stringify(k)).join(', ');
  const hints = keys.flatMap((k) => {
    const near = closestOption(k, known);
    return near === undefined ? [] : [`"${k}": did you mean "${near}"?`];
  });
  return `${path}: unknown option(s) ${names}; check the spelling against the README${hints.length > 0 ? `: ${hints.join('; ')}` : ''}`;
}

/**
 * The options check of calls that take few options and may run often (startSpan, span.fetch): a
 * misspelt key must not be ignored (`parnet: root` would start a new trace), so an unknown key
 * throws with the closest known one; a non-object gets a sentence. A for-in over a few keys.
 * Values are the caller's to check. `example` shows the shape, e.g. `{ name, kind, parent }`.
 * @throws {OptionsError} naming the key or the wrong argument.
 */
export function checkOptionKeys(where: string, options: unknown, known: ReadonlySet<string>, example: string): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new OptionsError(where, [`(options): expected an options object like ${example}, got ${kindOf(options)}`]);
  }
  let unknown: string[] | undefined;
  for (const key in options) if (!known.has(key)) (unknown ??= []).push(key);
  if (unknown !== undefined) throw new OptionsError(where, [unknownOptions('(options)', unknown, known)]);
}

/** What a value is, for messages: `a string`, `an array`, `null`. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const t = typeof value;
  return t === 'object' || t === 'undefined' ? t : `a ${t}`;
}
