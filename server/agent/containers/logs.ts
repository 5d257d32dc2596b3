// Container logs as Docker sends them: without a TTY, stdout and stderr are multiplexed in frames
// of an 8-byte header (stream, 0, 0, 0, big-endian length) and the payload; with a TTY, raw text.
import { describeError, type Logger } from '../../log.js';
import type { EngineApi } from './engine-api.js';

export interface LogLine {
  /** Milliseconds since the epoch, from Docker's timestamp; null when timestamps were not asked for. */
  at: number | null;
  stream: 'stdout' | 'stderr';
  text: string;
}

const MAX_LINE = 2000;

/** Splits a multiplexed log buffer into per-stream text; a buffer that is not framed is read as raw stdout. */
export function demultiplex(buf: Buffer, tty: boolean): { stream: 'stdout' | 'stderr'; text: string }[] {
  if (tty || !looksFramed(buf)) return [{ stream: 'stdout', text: buf.toString('utf8') }];
  const out: { stream: 'stdout' | 'stderr'; text: string }[] = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    const kind = buf[at]!;
    const size = buf.readUInt32BE(at + 4);
    const end = Math.min(buf.length, at + 8 + size);
    out.push({ stream: kind === 2 ? 'stderr' : 'stdout', text: buf.subarray(at + 8, end).toString('utf8') });
    at = end;
  }
  return out;
}

function looksFramed(buf: Buffer): boolean {
  if (buf.length < 8) return buf.length === 0;
  const kind = buf[0]!;
  return kind <= 2 && buf[1] === 0 && buf[2] === 0 && buf[3] === 0;
}

/** Lines, each with its stream and (when Docker prefixed one) its timestamp, in Docker's order. */
export function parseLogLines(buf: Buffer, opts: { tty: boolean; timestamps: boolean }): LogLine[] {
  const lines: LogLine[] = [];
  for (const chunk of demultiplex(buf, opts.tty)) {
    // A frame normally holds one line; split anyway (TTY output arrives as one block).
    for (const raw of chunk.text.split('\n')) {
      const text = raw.replace(/\r$/, '');
      if (text === '') continue;
      let at: number | null = null;
      let body = text;
      if (opts.timestamps) {
        const space = text.indexOf(' ');
        const stamp = space > 0 ? Date.parse(text.slice(0, space)) : Number.NaN;
        if (!Number.isNaN(stamp)) {
          at = stamp;
          body = text.slice(space + 1);
        }
      }
      lines.push({
        at,
        stream: chunk.stream,
        text: body.length > MAX_LINE ? `${body.slice(0, MAX_LINE - 1)}…` : body,
      });
    }
  }
  return lines;
}

const TAIL_LINES = 20;
const TAIL_LINE_CHARS = 300;

/** The last lines a container wrote, for a death notice; an empty list when they cannot be read. */
export async function readLogTail(
  api: EngineApi | null,
  id: string,
  tty: boolean,
  log: Logger,
): Promise<string[]> {
  try {
    if (!api) return [];
    const buf = await api.logs(id, { tail: TAIL_LINES, timestamps: false });
    return parseLogLines(buf, { tty, timestamps: false })
      .slice(-TAIL_LINES)
      .map((l) => (l.text.length > TAIL_LINE_CHARS ? `${l.text.slice(0, TAIL_LINE_CHARS - 1)}…` : l.text));
  } catch (err) {
    log.debug(`log tail of ${id.slice(0, 12)}: ${describeError(err)}`);
    return [];
  }
}
