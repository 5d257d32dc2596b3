// Activity's model: audit rows and events as one list, the filters, and incidents — a problem
// event and what followed on the same subject (recovery attempts, the owner's fix, the recovery)
// told as one story. Pure functions, so the grouping is testable without a browser.
import type { AuditRow, Timeline } from '../../../shared/protocol/activity.js';
import { CHALLENGE_TTL_MS, type EventRecord } from '../../../shared/protocol/frames.js';

export type Item =
  | { type: 'event'; at: number; key: string; subject: string | null; event: EventRecord }
  | { type: 'audit'; at: number; key: string; subject: string | null; audit: AuditRow };

export type Entry = { type: 'single'; item: Item } | { type: 'incident'; key: string; items: Item[] };

export const FILTERS = [
  'all',
  'problems',
  'actions',
  'containers',
  'machines',
  'power',
  'network',
  'agent',
] as const;
export type Filter = (typeof FILTERS)[number];

/** Reads: asked for often, changing nothing — kept out of the main view. */
const READS = new Set(['containers.logs', 'machines.probe', 'network.refresh', 'activity.list']);
/** Items on one subject this close together belong to the same incident. */
const INCIDENT_GAP_MS = 60 * 60_000;

const WORD_OF: Record<string, string> = { lifeline: 'power', devices: 'agent', notify: 'agent' };

export function wordOf(item: Item): string {
  const name = item.type === 'event' ? item.event.kind : item.audit.action;
  const w = name.split('.')[0] ?? '';
  return WORD_OF[w] ?? w;
}

export function isProblem(item: Item): boolean {
  if (item.type === 'event') return item.event.severity !== 'info';
  // Cancelled is the owner's own "no", not something that went wrong.
  if (item.audit.resolution === 'cancelled') return false;
  return item.audit.outcome === 'error' || item.audit.outcome === 'refused';
}

export function isRead(item: Item): boolean {
  return item.type === 'audit' && READS.has(item.audit.action);
}

function matches(item: Item, filter: Filter): boolean {
  if (filter === 'all') return true;
  if (filter === 'problems') return isProblem(item);
  if (filter === 'actions') return item.type === 'audit';
  return wordOf(item) === filter;
}

export function itemsOf(data: Timeline): Item[] {
  // A request that was confirmed is told by its run (decision "confirmed"): the ask is noise.
  const audit = data.audit.filter(
    (a) => !(a.decision === 'confirm-required' && a.resolution === 'confirmed'),
  );
  return [
    ...audit.map((a): Item => ({ type: 'audit', at: a.at, key: `a${a.id}`, subject: a.target, audit: a })),
    ...data.events.map(
      (e): Item => ({ type: 'event', at: e.at, key: `e${e.id}`, subject: e.subject ?? null, event: e }),
    ),
  ];
}

/**
 * Newest first; incidents where a problem event opened one. An incident takes what follows on its
 * subject within the hour, until an event that is not a problem (a recovery) closes it.
 */
export function entriesOf(items: Item[], filter: Filter, reads: boolean): Entry[] {
  const shown = items.filter((i) => (reads || !isRead(i)) && matches(i, filter)).sort((a, b) => a.at - b.at);
  const open = new Map<string, Item[]>();
  const groups: Item[][] = [];
  for (const item of shown) {
    const s = item.subject ? `${wordOf(item)}:${item.subject}` : null;
    const current = s ? open.get(s) : undefined;
    if (s && current && item.at - current[current.length - 1]!.at <= INCIDENT_GAP_MS) {
      current.push(item);
      // A good-news event (back on, recovered, done) ends the story: trouble after it is a new one.
      if (item.type === 'event' && !isProblem(item)) open.delete(s);
      continue;
    }
    const group = [item];
    groups.push(group);
    if (s && item.type === 'event' && isProblem(item)) open.set(s, group);
    else if (s) open.delete(s);
  }
  return groups
    .map(
      (g): Entry =>
        g.length > 1 ? { type: 'incident', key: `i${g[0]!.key}`, items: g } : { type: 'single', item: g[0]! },
    )
    .sort((a, b) => lastAt(b) - lastAt(a));
}

function lastAt(e: Entry): number {
  return e.type === 'single' ? e.item.at : e.items[e.items.length - 1]!.at;
}

/** Shortest and longest wait before Activity asks home again about an unanswered confirmation. */
const RECHECK_MS: readonly [number, number] = [10_000, CHALLENGE_TTL_MS + 1000];

/**
 * When Activity should ask home for its list again because a request still waiting for confirmation
 * will have expired by then (home marks it so when next asked): a second after its minute runs out,
 * by this device's clock, and no sooner than 10 s, so a phone whose clock runs ahead of home's
 * asks every 10 s rather than in a loop. Undefined when nothing is waiting.
 */
export function recheckInMs(audit: readonly AuditRow[], now: number): number | undefined {
  const waiting = audit.filter(
    (a) => a.decision === 'confirm-required' && a.outcome === 'pending' && a.resolution === undefined,
  );
  if (waiting.length === 0) return undefined;
  const due = Math.min(...waiting.map((a) => a.at)) + CHALLENGE_TTL_MS + 1000 - now;
  return Math.min(RECHECK_MS[1], Math.max(RECHECK_MS[0], due));
}
