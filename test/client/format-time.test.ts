// Times of day in the owner's language: English writes "1:13 PM", not "01:13 PM" (the bar's "As of",
// Activity, Power's cycle times); Chinese keeps its own 24-hour "13:13".
import { afterAll, describe, expect, it } from 'vitest';
import { formatTime, langChoice } from '../../client/src/i18n/index.js';

const at = (h: number, m: number) => new Date(2026, 10, 30, h, m).getTime();

describe('formatTime', () => {
  afterAll(() => {
    langChoice.value = 'auto';
  });

  it('writes an English hour without a leading zero', () => {
    langChoice.value = 'en';
    expect(formatTime(at(1, 13))).toMatch(/^1:13\sAM$/);
    expect(formatTime(at(13, 5))).toMatch(/^1:05\sPM$/);
  });

  it('writes Chinese times on the 24-hour clock', () => {
    langChoice.value = 'zh-Hans';
    expect(formatTime(at(13, 5))).toBe('13:05');
  });
});
