// The user errors a command throws; `main` turns each into its message on stderr and its exit status.

/** A mistake in the command line (exit 2): the message says what was wrong and what to do. */
export class UsageError extends Error {}

/** Nothing to show (exit 3): the message says what was missing. */
export class NothingError extends Error {}
