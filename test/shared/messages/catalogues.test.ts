// The catalogues of what home says: every language has every key with the same placeholders, no
// key is declared twice, and the Chinese ones are Chinese.
import { describe, expect, it } from 'vitest';
import { CATALOGUES } from '../../../shared/messages/catalogues.js';
import { LANG_IDS, langOf } from '../../../shared/messages/define.js';
import { formatDuration, placeholders } from '../../../shared/messages/format.js';
import { english, msg, say } from '../../../shared/messages/say.js';

type Table = Record<string, Record<string, string>>;
const entries = Object.entries(CATALOGUES) as unknown as [string, Table][];

describe('the catalogues of what home says', () => {
  it('say every key in every language with the same placeholders', () => {
    const problems: string[] = [];
    for (const [name, c] of entries)
      for (const [key, en] of Object.entries(c.en!))
        for (const l of LANG_IDS) {
          const text = c[l]?.[key];
          if (text === undefined) problems.push(`${name}: ${key} has no ${l}`);
          else if (placeholders(text).join() !== placeholders(en).join())
            problems.push(
              `${name}: ${key} in ${l} uses {${placeholders(text)}} instead of {${placeholders(en)}}`,
            );
        }
    expect(problems).toEqual([]);
  });

  it('declare each key once', () => {
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const [name, c] of entries)
      for (const key of Object.keys(c.en!)) {
        if (seen.has(key)) twice.push(`${key} in ${seen.get(key)} and ${name}`);
        seen.set(key, name);
      }
    expect(twice).toEqual([]);
  });

  it('have Chinese words in the Chinese catalogues', () => {
    const english: string[] = [];
    const ALLOWED =
      /Lifeline|Docker|Wake-on-LAN|DDNS|DNS|IPv[46]|lifeline\.yaml|ctl|compose|SIGKILL|SIGTERM|API|MAC|ARP|HTTP|TCP|ICMP|UPS|CPU|I\/O|NAS|latest/g;
    for (const [, c] of entries)
      for (const l of ['zh-Hans', 'zh-Hant'])
        for (const [key, text] of Object.entries(c[l]!)) {
          const words = text.replace(/\{[^}]+\}/g, '').replace(ALLOWED, '');
          if (/[A-Za-z]{3,}\s+[A-Za-z]{3,}/.test(words)) english.push(`${l} ${key}: ${text}`);
        }
    expect(english).toEqual([]);
  });
});

describe('say', () => {
  it('renders a message in each language with its parameters', () => {
    const m = msg('guard.challenge-expired', { seconds: 60 });
    expect(english(m)).toBe('the confirmation expired (60 s); ask again');
    expect(say(m, 'zh-Hans')).toContain('60 秒');
    expect(say(m, 'zh-Hant')).toContain('確認已過期');
  });

  it('shows durations in the reader language and an unknown key as itself', () => {
    expect(formatDuration(20_000, 'en')).toBe('20 s');
    expect(formatDuration(90_000, 'zh-Hans')).toBe('1 分钟 30 秒');
    expect(formatDuration(3 * 3600_000, 'zh-Hant')).toBe('3 小時');
    expect(say({ key: 'nobody.knows', params: { a: 1 } }, 'zh-Hans')).toBe('nobody.knows {"a":1}');
  });

  it('maps language tags to ours', () => {
    expect(langOf('zh_TW.UTF-8')).toBe('zh-Hant');
    expect(langOf('zh-CN')).toBe('zh-Hans');
    expect(langOf('de_DE.UTF-8')).toBe('en');
    expect(langOf(undefined)).toBe('en');
  });
});
