import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** The `-h, --help` every command takes, added by `parseCommandArgs`. */
const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/** What `parseCommandArgs` parses: a command's options and its positionals, strictly. */
type CommandArgs<O extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; strict: true; options: O & typeof HELP }>>;

/**
 * Parses a command's arguments (positionals allowed, unknown options refused), turning parseArgs'
 * errors into `UsageError`s that name the command and the way to its help. With `-h` or `--help`
 * it writes `command.usage` to stdout and returns `undefined`: the command then exits 0.
 */
export function parseCommandArgs<O extends ParseArgsOptionsConfig>(
  command: { readonly name: string; readonly usage: string },
  args: readonly string[],
  io: CliIo,
  options: O,
): CommandArgs<O> | undefined {
  let parsed: CommandArgs<O>;
  try {
    parsed = parseArgs({ args: [...args], allowPositionals: true, strict: true, options: { ...options, ...HELP } });
  } catch (error) {
    const raw = (error as Error).message.replace(/\. To specify a positional argument starting with a '-'.*$/s, '');
    const message = raw.charAt(0).toLowerCase() + raw.slice(1);
    throw new UsageError(`${message}. Run \`deferred-span ${command.name} --help\` for the options.`);
  }
  // The values' type is only known per command: `help` is there, as HELP added it.
  if ((parsed.values as { help?: boolean }).help === true) {
    io.stdout.write(command.usage + '\n');
    return undefined;
  }
  return parsed;
}

/** `--limit` of `view` and `list`: a whole number of `many`, or no limit (Infinity) for 0 and `all`. */
export function parseLimit(text: string, many: string, every: string): number {
  const t = text.trim().toLowerCase();
  if (t === 'all') return Infinity;
  const n = Number(t);
  if (t === '' || !Number.isSafeInteger(n) || n < 0) throw new UsageError(`--limit: expected a whole number of ${many}, or 0 or "all" for ${every}, got "${text}"`);
  return n === 0 ? Infinity : n;
}
