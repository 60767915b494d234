#!/usr/bin/env node
// deferred-span: look at recorded spans. `view` draws a trace, `summary` reports latency.
// `main` runs the command line against the streams it is given; this file runs it for the
// process only when it is the script node was started with, so tests can import it.
import { realpathSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { printable } from '../read/waterfall.js';
import { CredentialRedactor, urlCredentials } from '../read/zipkin-query.js';
import { commandNames, findCommand } from './commands.js';
import { NothingError, UsageError } from './errors.js';
import { EXIT_BUG, EXIT_NOTHING, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { MAIN_HELP } from './help.js';
import { filteredIo, type CliIo, type CliWriter } from './io.js';
import { version } from './version.js';

/**
 * A message for stderr with its control characters escaped line by line: its own line ends stay
 * (parseArgs and stack traces have several lines), but no quoted value can drive the terminal.
 */
function shown(message: string): string {
  return message.split('\n').map(printable).join('\n');
}

/** Says a bug happened with its stack trace, for a report: the one place exit status 70 is explained. */
function reportBug(stderr: CliWriter, error: unknown): void {
  const stack = error instanceof Error ? error.stack : undefined;
  stderr.write(`deferred-span: unexpected failure, please report it: ${shown(stack ?? String(error))}\n`);
}

/**
 * Runs `deferred-span ...argv` (the arguments after the program's name) and resolves to its exit
 * status. User errors are reported on `io.stderr` with their status (2 or 3), and a bug with 70:
 * it never rejects for either and never exits the process, so it can run inside a test.
 * Credentials in a URL argument are never written: not in messages that quote the argument, nor
 * in what a server sends back (an error page echoing the authorization header it was sent).
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  // Every form of them that may be written, escaped ones too (messages and span data are escaped).
  const redact = new CredentialRedactor(argv.flatMap(urlCredentials).flatMap((s) => [s, printable(s)]));
  return run(argv, redact.empty ? io : filteredIo(io, (text) => redact.text(text)));
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  const command = findCommand(name);
  try {
    if (command !== undefined) return await command.run(rest, io);
    switch (name) {
      case 'help':
        io.stdout.write((findCommand(rest[0])?.usage ?? MAIN_HELP) + '\n');
        return EXIT_OK;
      case '-h':
      case '--help':
        io.stdout.write(MAIN_HELP + '\n');
        return EXIT_OK;
      case '-v':
      case '--version':
        io.stdout.write(version() + '\n');
        return EXIT_OK;
      case undefined:
        io.stderr.write(MAIN_HELP + '\n');
        return EXIT_USAGE;
      default:
        throw new UsageError(
          name.startsWith('-')
            ? `unknown option "${name}" before the command. Run \`deferred-span --help\` for usage.`
            : `unknown command "${name}": the commands are ${commandNames()}. Run \`deferred-span --help\` for usage.`,
        );
    }
  } catch (error) {
    const where = command === undefined ? 'deferred-span' : `deferred-span ${command.name}`;
    // Messages quote arguments, paths and server answers: escaped, so none can drive the terminal.
    if (error instanceof UsageError) {
      io.stderr.write(`${where}: ${shown(error.message)}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof NothingError) {
      io.stderr.write(`${where}: ${shown(error.message)}\n`);
      return EXIT_NOTHING;
    }
    reportBug(io.stderr, error);
    return EXIT_BUG;
  }
}

/** The file's real path as a URL, or `undefined` if there is no such file. */
function realUrl(path: string): string | undefined {
  try {
    return pathToFileURL(realpathSync(path)).href;
  } catch {
    return undefined;
  }
}

/**
 * True when this module is the script node was started with: by its own path, through a symlink
 * (npm's bin link), or without its extension (`node dist/cli/main`). Both sides are resolved with
 * realpath, as node resolves the main module.
 */
function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  const modulePath = fileURLToPath(moduleUrl);
  const self = realUrl(modulePath);
  return self !== undefined && [script, script + extname(modulePath)].some((candidate) => realUrl(candidate) === self);
}

if (isEntryPoint(import.meta.url)) {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    // Only if reporting itself failed: main settles every other error.
    (error: unknown) => {
      reportBug(process.stderr, error);
      process.exitCode = EXIT_BUG;
    },
  );
}
