// The help of `deferred-span` itself; each command's own help is its `usage`.
import type { CliCommand } from './command.js';
import { COMMANDS } from './commands.js';
import { EXIT_STATUS_HELP } from './exit-codes.js';

/** Where the commands' one-line summaries start, unless a synopsis runs past it (then two spaces). */
const SUMMARY_COLUMN = 42;

function commandLine(command: CliCommand): string {
  const left = `  ${command.name} ${command.synopsis}`;
  return left + ' '.repeat(Math.max(2, SUMMARY_COLUMN - left.length)) + command.summary;
}

/** Shown by `--help`, by `help`, and on stderr when no command is given; lists the command table. */
export const MAIN_HELP = `Usage: deferred-span <command> [options]

Look at Zipkin v2 spans recorded to NDJSON files (the embedded default sink) or kept by Zipkin,
compare runs, and send recorded files (or a disk spool) to Zipkin.

Commands:
${COMMANDS.map(commandLine).join('\n')}

Options:
  -h, --help     show this help (or a command's: deferred-span view --help)
  -v, --version  print the version

${EXIT_STATUS_HELP}`;
