import type { CliIo } from './io.js';

/**
 * One command of `deferred-span`, as listed in the command table: the main help, the `help`
 * command and the dispatch in `main` all read these fields, so a command is described once.
 */
export interface CliCommand {
  /** The word that selects it: `deferred-span <name> ...`. */
  readonly name: string;
  /** Its arguments in short, shown after the name in the main help, e.g. `FILE [--json]`. */
  readonly synopsis: string;
  /** One line for the main help's list of commands. */
  readonly summary: string;
  /** Its full help text, for `<name> --help` and `help <name>`. */
  readonly usage: string;
  /**
   * Runs it with the arguments after its name and resolves to the exit status. User errors are
   * thrown as `UsageError` or `NothingError`, which `main` reports with the command's name.
   */
  run(args: readonly string[], io: CliIo): Promise<number>;
}
