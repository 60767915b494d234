import type { CliIo } from './io.js';

/** The flags both commands take to choose colour. */
export interface ColourFlags {
  readonly color?: boolean | undefined;
  readonly 'no-color'?: boolean | undefined;
}

/**
 * Whether to colour stdout: on a terminal, unless NO_COLOR or --no-color; FORCE_COLOR or --color
 * turns it on anywhere. Flags beat variables, so a user can override their environment per run.
 */
export function useColour(flags: ColourFlags, io: CliIo): boolean {
  if (flags['no-color'] === true) return false;
  if (flags.color === true) return true;
  const env = io.env ?? process.env;
  const noColor = env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0') return true;
  return io.stdout.isTTY === true;
}
