/** An error the CLI prints as one line and exits with, never a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    /** A stable code (the agent's error code when it refused or failed) for `--json`. */
    readonly code: string = exitCode === 2 ? 'bad-args' : 'failed',
    /** What a script may want besides the message, in the one `--json` line (a wake's likely causes). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
