// The command table: the one list of commands that dispatch, help and error messages all read.
import type { CliCommand } from './command.js';
import { listCommand } from './list.js';
import { reportCommand } from './report.js';
import { sendCommand } from './send.js';
import { summaryCommand } from './summary.js';
import { viewCommand } from './view.js';

/** Every command of `deferred-span`, in the order the main help lists them. */
export const COMMANDS: readonly CliCommand[] = [viewCommand, listCommand, summaryCommand, reportCommand, sendCommand];

/** The command called `name`, if there is one; `undefined` for no name, an option or a typo. */
export function findCommand(name: string | undefined): CliCommand | undefined {
  return COMMANDS.find((command) => command.name === name);
}

/** The commands' names as words for a message: `view and summary`. */
export function commandNames(): string {
  const names = COMMANDS.map((command) => command.name);
  const last = names.pop();
  return names.length === 0 ? (last ?? '') : `${names.join(', ')} and ${last}`;
}
