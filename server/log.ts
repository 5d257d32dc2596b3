// Tagged log lines ("[relay-link] …") on stderr. Level from LIFELINE_LOG (debug|info|warn|error|silent).
// Never pass secrets here: tokens, codes and keys are not logged anywhere.

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
type Level = keyof typeof LEVELS;

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  child(tag: string): Logger;
}

export type LogSink = (line: string) => void;

function threshold(): number {
  const wanted = (process.env.LIFELINE_LOG ?? 'info').toLowerCase();
  return wanted in LEVELS ? LEVELS[wanted as Level] : LEVELS.info;
}

export function createLogger(
  tag: string,
  sink: LogSink = (line) => process.stderr.write(`${line}\n`),
): Logger {
  const min = threshold();
  const emit = (level: Level, message: string) => {
    if (LEVELS[level] < min) return;
    sink(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} [${tag}] ${message}`);
  };
  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m) => emit('error', m),
    child: (sub) => createLogger(sub, sink),
  };
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};

/** A short, safe description of an unknown error for log lines. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}`;
  return String(err);
}
