// `lifeline check` rows for the UPSes: each upsd answers (and takes the login), and what the UPS
// says now.
import type { CheckRow } from '../capability.js';
import type { UpsEntry } from './config.js';
import type { NutLink } from './nut-client.js';
import { readingOf } from './reading.js';

const STATUS_WORDS = {
  online: 'on mains',
  'on-battery': 'ON BATTERY',
  'low-battery': 'BATTERY LOW',
  unknown: 'status unknown',
} as const;

export async function upsCheckRow(entry: UpsEntry, connect: (e: UpsEntry) => NutLink): Promise<CheckRow> {
  const name = `ups ${entry.id}`;
  let link: NutLink | undefined;
  try {
    link = connect(entry);
    if (entry.username !== undefined) await link.login(entry.name);
    const r = readingOf(await link.listVars(entry.name));
    const facts = [
      STATUS_WORDS[r.status],
      r.charge !== undefined ? `${r.charge}% charged` : null,
      r.runtimeSeconds !== undefined ? `${Math.floor(r.runtimeSeconds / 60)} min of runtime` : null,
      r.model ?? null,
    ].filter(Boolean);
    return {
      name,
      status: r.status === 'online' ? 'ok' : 'warn',
      detail: `${entry.name}@${link.address}: ${facts.join(', ')}`,
    };
  } catch (err) {
    return { name, status: 'fail', detail: `${entry.name}@${entry.address}: ${(err as Error).message}` };
  } finally {
    await link?.close().catch(() => {});
  }
}
