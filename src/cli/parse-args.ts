import { UsageError } from './errors.js';

/**
 * Runs a `parseArgs` call, turning its errors into `UsageError`s that name the command and the way
 * to its help. A thunk rather than the options, so each command keeps parseArgs' inferred types.
 */
export function parseCommandArgs<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const raw = (error as Error).message.replace(/\. To specify a positional argument starting with a '-'.*$/s, '');
    const message = raw.charAt(0).toLowerCase() + raw.slice(1);
    throw new UsageError(`${message}. Run \`deferred-span ${command} --help\` for the options.`);
  }
}
