// The exit statuses of `deferred-span`, named once here and documented by every `--help`.

/** Done. */
export const EXIT_OK = 0;
/** Done, but bad input was skipped: scripts can tell a clean run from a lossy one. */
export const EXIT_SKIPPED = 1;
/** Wrong usage: unknown command or option, missing or bad argument. */
export const EXIT_USAGE = 2;
/** Nothing to show: no file, no valid span, no such trace, or no Zipkin (down, too slow, or an answer too large). */
export const EXIT_NOTHING = 3;
/** `summary --compare --fail-on`: a verdict is a significant regression past its threshold (a CI gate failed). */
export const EXIT_REGRESSION = 4;
/** `send`: some spans were not delivered (rejected by the collector, or it could not be reached): the run lost data. */
export const EXIT_NOT_DELIVERED = 5;
/** A bug in this tool (`EX_SOFTWARE` of sysexits.h), kept apart from every user error. */
export const EXIT_BUG = 70;

/** The closing section of every help text, built from the constants so the two cannot disagree. */
export const EXIT_STATUS_HELP = `Exit status:
  ${EXIT_OK}  done
  ${EXIT_SKIPPED}  done, but bad input was skipped (each bad line is reported on stderr with its number)
  ${EXIT_USAGE}  wrong usage: unknown command or option, missing or bad argument
  ${EXIT_NOTHING}  nothing to show: the file is missing or holds no valid span, the trace is unknown,
     or Zipkin could not be reached, did not answer within --timeout, or sent more than --max-bytes
  ${EXIT_REGRESSION}  summary --compare --fail-on: a span name is significantly slower than its threshold allows
  ${EXIT_NOT_DELIVERED}  send: some spans were not delivered (rejected, or the collector could not be reached)
  ${EXIT_BUG} a bug in this tool (the stack trace is printed: please report it)`;
