// What home says (shared/messages/) and the app's own words (client/src/**/messages.ts, the core
// catalogue) share one lookup in the PWA once home's catalogues load: a key in both with different
// words would silently change a button into a sentence. Each key has one meaning.
import { describe, expect, it } from 'vitest';
import { containersMessages } from '../../client/src/containers/messages.js';
import { en } from '../../client/src/i18n/en.js';
import { machinesMessages } from '../../client/src/machines/messages.js';
import { networkMessages } from '../../client/src/network/messages.js';
import { powerMessages } from '../../client/src/power/messages.js';
import { CATALOGUES } from '../../shared/messages/catalogues.js';

describe('message keys', () => {
  it('mean one thing in the app and in what home says', () => {
    const app: Record<string, string> = {
      ...en,
      ...containersMessages.en,
      ...machinesMessages.en,
      ...networkMessages.en,
      ...powerMessages.en,
    };
    const clashes: string[] = [];
    for (const c of Object.values(CATALOGUES))
      for (const [k, v] of Object.entries(c.en as Record<string, string>))
        if (k in app && app[k] !== v) clashes.push(`${k}: "${app[k]}" / "${v}"`);
    expect(clashes).toEqual([]);
  });
});
