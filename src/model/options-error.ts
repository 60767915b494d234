import type { z } from 'zod';

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

/** Parses `input` with `schema`, or throws an `OptionsError` naming every bad option by its path. */
export function parseOptions<T>(where: string, schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(options)';
    if (issue.code === 'unrecognized_keys') {
      return `${path}: unknown option(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}; check the spelling against the README`;
    }
    return `${path}: ${issue.message}`;
  });
  throw new OptionsError(where, problems);
}

