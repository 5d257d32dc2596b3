import { useEffect, useState } from 'preact/hooks';
import { ActivityList, type AuditRow, type Timeline } from '../../../shared/protocol/activity.js';
import type { EventRecord } from '../../../shared/protocol/frames.js';
import { runAction } from '../actions.js';
import { DATA } from '../components/data.js';
import { connState, liveEvents } from '../connection.js';
import { store } from '../db.js';
import { formatDateTime, t, tMaybe, tParts } from '../i18n/index.js';

/** One timeline of what was asked, decided and done, and what happened on its own. */
export function ActivityScreen() {
  const [data, setData] = useState<Timeline | null>(null);
  const online = connState.value === 'online';
  const latest = liveEvents.value[0]?.id;

  useEffect(() => {
    let live = true;
    void store.get<Timeline>('activity').then((saved) => {
      if (live && saved) setData((d) => d ?? saved);
    });
    if (online)
      void runAction(ActivityList, { args: { limit: 100 } }).then((r) => {
        if (live && r.status === 'ok') {
          setData(r.data);
          void store.set('activity', r.data);
        }
      });
    return () => {
      live = false;
    };
  }, [online, latest]);

  type Item = { at: number; key: string; audit?: AuditRow; event?: EventRecord };
  const items: Item[] = data
    ? [
        ...data.audit.map((a) => ({ at: a.at, key: `a${a.id}`, audit: a })),
        ...data.events.map((e) => ({ at: e.at, key: `e${e.id}`, event: e })),
      ].sort((a, b) => b.at - a.at)
    : [];

  return (
    <main class="screen">
      <h1>{t('activity.title')}</h1>
      {items.length === 0 && <p class="muted">{t('activity.empty')}</p>}
      <ol class="timeline">
        {items.map((item) =>
          item.event ? (
            <EventItem key={item.key} e={item.event} />
          ) : (
            <AuditItem key={item.key} a={item.audit!} />
          ),
        )}
      </ol>
    </main>
  );
}

function EventItem({ e }: { e: EventRecord }) {
  return (
    <li class={`ev ${e.severity}`}>
      <time>{formatDateTime(e.at)}</time>
      <span>
        <b>{tMaybe(`event.${e.kind}`, e.kind)}</b>
        {/* The agent words event details in English; the title above is translated. */}
        <span class="detail" lang="en" {...DATA}>
          {e.message}
        </span>
      </span>
    </li>
  );
}

function AuditItem({ a }: { a: AuditRow }) {
  return (
    <li class={`cmd ${a.outcome}`}>
      <time>{formatDateTime(a.at)}</time>
      <span>
        <b {...DATA}>
          {a.action}
          {a.target ? ` ${a.target}` : ''}
        </b>{' '}
        · {tParts('activity.by', { device: <span {...DATA}>{a.deviceName ?? '?'}</span> })} ·{' '}
        {tMaybe(`activity.decision.${a.decision}`, a.decision)} ·{' '}
        {tMaybe(`activity.outcome.${a.outcome}`, a.outcome)}
        {a.message ? (
          <span lang="en" {...DATA}>
            {' '}
            — {a.message}
          </span>
        ) : null}
      </span>
    </li>
  );
}
