// The word syntax of upsd's text protocol (RFC 9271 §4, NUT's parseconf): words split on
// spaces, a word with spaces in "quotes", and \" and \\ inside them.
import { LifelineError } from '../../../shared/protocol/errors.js';

/** upsd's port (RFC 9271 §4). */
export const NUT_DEFAULT_PORT = 3493;

/** Joins a command's words into one line, quoting each word that needs it. */
export function encodeCommand(words: readonly string[]): string {
  // A CR or LF inside a word would end the command early and smuggle a second one in.
  for (const w of words)
    if (hasControl(w))
      throw new LifelineError('bad-args', 'a name or password sent to upsd cannot hold control characters');
  return `${words.map(quoteWord).join(' ')}\n`;
}

function hasControl(w: string): boolean {
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function quoteWord(w: string): string {
  if (w !== '' && !/[\s"\\]/.test(w)) return w;
  return `"${w.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

export type Words = { ok: true; words: string[] } | { ok: false; reason: string };

/** Splits one reply line (without its newline) into words; refuses what upsd would never send. */
export function decodeLine(line: string): Words {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    let word = '';
    const quoted = c === '"';
    if (quoted) i++;
    for (;;) {
      if (i >= line.length) {
        if (quoted) return { ok: false, reason: 'a quoted word never ends' };
        break;
      }
      const ch = line[i]!;
      const code = ch.charCodeAt(0);
      if (code < 0x20 && ch !== '\t') return { ok: false, reason: 'a control character' };
      if (ch === '\\') {
        if (i + 1 >= line.length) return { ok: false, reason: 'a backslash at the end of the line' };
        word += line[i + 1];
        i += 2;
        continue;
      }
      if (quoted && ch === '"') {
        i++;
        break;
      }
      if (!quoted && (ch === ' ' || ch === '\t')) break;
      if (!quoted && ch === '"') return { ok: false, reason: 'a quote inside a word' };
      word += ch;
      i++;
    }
    words.push(word);
  }
  return { ok: true, words };
}
