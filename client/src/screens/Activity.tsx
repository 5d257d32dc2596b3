import { useEffect, useState } from 'preact/hooks';
import { ActivityList, type AuditRow, type Timeline } from '../../../shared/protocol/activity.js';
import type { EventRecord } from '../../../shared/protocol/frames.js';
import { isEntityKind } from '../../../shared/protocol/vocabulary.js';
import { runAction } from '../actions.js';
import { activityMessages } from '../activity/messages.js';
import {
  type Entry,
  entriesOf,
  FILTERS,
  type Filter,
  type Item,
  itemsOf,
  recheckInMs,
} from '../activity/timeline.js';
import { DATA } from '../components/data.js';
import { Say } from '../components/Say.js';
import { connState, entity, liveEvents } from '../connection.js';
import { store } from '../db.js';
import {
  canSay,
  formatDateTime,
  loadHomeMessages,
  type MessageKey,
  registerMessages,
  say,
  t,
  tMaybe,
  tParts,
} from '../i18n/index.js';
import '../activity/activity.css';

registerMessages(activityMessages);

/** One timeline of what was asked, decided and done, and what happened on its own. */
export function ActivityScreen() {
  const [data, setData] = useState<Timeline | null>(null);
  const [filter, setFilter] = useState<Filter>('all');
  const [reads, setReads] = useState(false);
  const online = connState.value === 'online';
  const latest = liveEvents.value[0]?.id;
  // Asked again when a request still waiting for confirmation will have expired at home.
  const [recheck, setRecheck] = useState(0);

  useEffect(() => {
    void loadHomeMessages();
  }, []);

  useEffect(() => {
    let live = true;
    void store.get<Timeline>('activity').then((saved) => {
      if (live && saved) setData((d) => d ?? saved);
    });
    if (online)
      void runAction(ActivityList, { args: { limit: 200 } }).then((r) => {
        if (live && r.status === 'ok') {
          setData(r.data);
          void store.set('activity', r.data);
        }
      });
    return () => {
      live = false;
    };
  }, [online, latest, recheck]);

  useEffect(() => {
    const wait = online && data ? recheckInMs(data.audit, Date.now()) : undefined;
    if (wait === undefined) return;
    const timer = setTimeout(() => setRecheck((n) => n + 1), wait);
    return () => clearTimeout(timer);
  }, [online, data]);

  const entries = data ? entriesOf(itemsOf(data), filter, reads) : [];

  return (
    <main class="screen">
      <h1>{t('activity.title')}</h1>
      <fieldset class="filters">
        <legend class="sr-only">{t('activity.filters')}</legend>
        {FILTERS.map((f) => (
          <button key={f} type="button" class="chip" aria-pressed={filter === f} onClick={() => setFilter(f)}>
            {t(`activity.filter.${f}` as MessageKey)}
          </button>
        ))}
        <label class="reads">
          <input type="checkbox" checked={reads} onChange={(e) => setReads(e.currentTarget.checked)} />{' '}
          {t('activity.reads')}
        </label>
      </fieldset>
      {!data && <p class="muted">{t('activity.empty')}</p>}
      {data && entries.length === 0 && (
        <p class="muted">{filter === 'all' ? t('activity.empty') : t('activity.noMatch')}</p>
      )}
      <ol class="timeline" data-testid="timeline">
        {entries.map((e) => (
          <EntryView key={e.type === 'single' ? e.item.key : e.key} e={e} />
        ))}
      </ol>
    </main>
  );
}

function EntryView({ e }: { e: Entry }) {
  if (e.type === 'single') return <ItemView item={e.item} />;
  const first = e.items[0]!;
  const last = e.items[e.items.length - 1]!;
  return (
    <li class="incident" data-testid="incident">
      <details open>
        {/* How it began, when; then where it stands, when: an incident is its story, not its first line. */}
        <summary>
          <time>{formatDateTime(first.at)}</time>
          <b>
            <Title item={first} />
          </b>{' '}
          <span class="muted small">
            {first.subject && <span {...DATA}>{subjectName(first, first.subject)} · </span>}
            {t('activity.incident', { n: e.items.length })}
          </span>
          <span class="incident-latest small" data-testid="incident-latest">
            {tParts('activity.incident.latest', {
              what: <LatestOf item={last} />,
              time: <time>{formatDateTime(last.at)}</time>,
            })}
          </span>
        </summary>
        <ol class="timeline nested">
          {[...e.items].reverse().map((i) => (
            <ItemView key={i.key} item={i} />
          ))}
        </ol>
      </details>
    </li>
  );
}

/**
 * Where an incident stands: an event's own sentence ("… was switched back on", not the title it
 * shares with "… switched off"), a command's title and how it ended ("· cancelled").
 */
function LatestOf({ item }: { item: Item }) {
  if (item.type === 'event') return <Say m={item.event.msg} text={item.event.message} />;
  return (
    <b>
      <CommandTitle a={item.audit} /> · {statusOf(item.audit)}
    </b>
  );
}

function Title({ item }: { item: Item }) {
  if (item.type === 'event') return <>{say({ key: `event.${item.event.kind}` }, t('activity.event'))}</>;
  return <CommandTitle a={item.audit} />;
}

/**
 * "Switch off NAS": the target by the name its screen shows, as the events say it, when home knows
 * it; the name marked as data (the owner's words, not ours to translate).
 */
function CommandTitle({ a }: { a: AuditRow }) {
  const ref = { key: `action.${a.action}`, params: { target: targetName(a) } };
  return canSay(ref) ? <Say m={ref} text="" /> : <>{t('activity.command')}</>;
}

function targetName(a: AuditRow): string {
  return a.target === null ? '' : nameOf(a.action, a.target);
}

/** What an incident is about, by name: its first entry's subject (an id) as its screen names it. */
function subjectName(item: Item, subject: string): string {
  return nameOf(item.type === 'event' ? item.event.kind : item.audit.action, subject);
}

/** An entity's name, its kind the first word of an action or event ("power.off", "lifeline.…": power). */
function nameOf(what: string, id: string): string {
  const word = what.split('.')[0] ?? '';
  const kind = word === 'lifeline' ? 'power' : word;
  const data = isEntityKind(kind) ? entity(kind, id) : undefined;
  return data && 'name' in data && typeof data.name === 'string' && data.name !== '' ? data.name : id;
}

function ItemView({ item }: { item: Item }) {
  return item.type === 'event' ? <EventItem e={item.event} /> : <AuditItem a={item.audit} />;
}

function EventItem({ e }: { e: EventRecord }) {
  return (
    <li class={`ev ${e.severity}`} data-kind={e.kind}>
      <time>{formatDateTime(e.at)}</time>
      <b class="title">{say({ key: `event.${e.kind}` }, t('activity.event'))}</b>
      <Say class="detail" m={e.msg} text={e.message} />
    </li>
  );
}

function statusOf(a: AuditRow): string {
  if (a.decision === 'confirm-required')
    return a.resolution === 'expired'
      ? t('activity.status.expired')
      : a.resolution === 'cancelled'
        ? t('activity.status.cancelled')
        : a.resolution === 'interrupted'
          ? t('activity.status.interrupted')
          : a.resolution === 'confirmed'
            ? tMaybe('activity.decision.confirmed', 'confirmed')
            : t('activity.status.awaiting');
  if (a.decision === 'refused') return tMaybe('activity.decision.refused', a.decision);
  const decided =
    a.decision === 'allowed' ? '' : `${tMaybe(`activity.decision.${a.decision}`, a.decision)} · `;
  return decided + tMaybe(`activity.outcome.${a.outcome}`, a.outcome);
}

function AuditItem({ a }: { a: AuditRow }) {
  return (
    // A cancel is the owner's own "no": not styled as a failure.
    <li class={`cmd ${a.resolution === 'cancelled' ? 'cancelled' : a.outcome}`} data-action={a.action}>
      <time>{formatDateTime(a.at)}</time>
      <b class="title">
        <CommandTitle a={a} />
      </b>
      <span class="small">
        {tParts('activity.by', { device: <span {...DATA}>{a.deviceName ?? '?'}</span> })} · {statusOf(a)}
      </span>
      {a.message ? <Say class="detail small" m={a.msg} text={a.message} /> : null}
    </li>
  );
}
