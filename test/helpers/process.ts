// Child processes run as a user would run them: to the end, with their output and exit status.
import { spawn, type SpawnOptions } from 'node:child_process';

/** A finished child process. */
export interface FinishedProcess {
  readonly status: number | null;
  /** The signal that ended it, if one did. */
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command args` with no standard input and resolves once it has exited and closed its output. */
export function runToEnd(command: string, args: readonly string[], options: Omit<SpawnOptions, 'stdio'> = {}): Promise<FinishedProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    // 'close', not 'exit': by then both output streams have been read to their end.
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

/**
 * Runs `code` as an ES module (TypeScript through tsx) in a child process, for behaviour that would
 * otherwise be the test runner's own (an uncaught exception, an unhandled rejection); resolves with
 * the JSON its last line of stdout prints.
 */
export async function runModule<T>(code: string, timeoutMs = 30_000): Promise<T> {
  const run = await runToEnd(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { timeout: timeoutMs });
  if (run.status !== 0) throw new Error(`child failed (status ${run.status}, signal ${run.signal}):\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '') as T;
}
