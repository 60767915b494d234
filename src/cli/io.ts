// What the CLI touches of its process, passed in so `main` runs the same in a test as in `deferred-span`.

/** Somewhere to write text: `process.stdout`, or anything that collects it (tests pass one). */
export interface CliWriter {
  write(text: string): unknown;
  /** True on a terminal: then colour is on by default and `view` takes the terminal's width. */
  readonly isTTY?: boolean;
  /** The terminal's width in columns; read only when `isTTY` is true. */
  readonly columns?: number;
}

/** The output streams and environment of one run of the CLI. */
export interface CliIo {
  readonly stdout: CliWriter;
  readonly stderr: CliWriter;
  /**
   * Environment variables; only `NO_COLOR` and `FORCE_COLOR` are read. Absent: `process.env`, so a
   * test that passes its own sees no variable of the process it runs in.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The same streams with every text passed through `filter` before it is written (`main` takes
 * credentials out this way). Whether they are a terminal, and how wide, is read through.
 */
export function filteredIo(io: CliIo, filter: (text: string) => string): CliIo {
  const wrap = (w: CliWriter): CliWriter => ({
    write: (text: string) => w.write(filter(text)),
    get isTTY() {
      return w.isTTY === true;
    },
    get columns() {
      return w.columns ?? 0;
    },
  });
  return { ...io, stdout: wrap(io.stdout), stderr: wrap(io.stderr) };
}
