import { useState } from 'preact/hooks';
import {
  currentWatts,
  type PlugInfo,
  PowerCycle,
  PowerOff,
  PowerOn,
} from '../../../shared/protocol/power.js';

const SPECS = { on: PowerOn, off: PowerOff, cycle: PowerCycle } as const;

import { runAction } from '../actions.js';
import { now } from '../clock.js';
import { connState, listEntities, liveEvents } from '../connection.js';
import {
  formatAgo,
  formatTime,
  lang,
  type MessageKey,
  registerMessages,
  say,
  t,
  tParts,
} from '../i18n/index.js';
import { powerMessages } from './messages.js';
import './power.css';
import { DATA } from '../components/data.js';
import { itemDomId, useFocusedItem } from '../components/focus-item.js';
import { Say } from '../components/Say.js';
import { errorText } from '../error-text.js';

registerMessages(powerMessages);

/** The plugs: state and power draw; lifeline plugs locked against "off" (the agent refuses it too). */
export function PowerScreen({ params }: { params: string[] }) {
  const focused = useFocusedItem(params);
  const plugs = listEntities('power').sort(
    (a, b) => Number(b.data.lifeline) - Number(a.data.lifeline) || a.data.name.localeCompare(b.data.name),
  );
  const live = connState.value === 'online';
  return (
    <main class="screen">
      <h1>{t('power.title')}</h1>
      {plugs.length === 0 && <p class="muted">{t('power.empty')}</p>}
      <ul class="plug-list">
        {plugs.map((p) => (
          <PlugCard key={p.id} id={p.id} plug={p.data} live={live} focused={p.id === focused} />
        ))}
      </ul>
    </main>
  );
}

/** A cycle's times: with seconds when it is short (a 20 s cycle "back at 03:49" says little). */
function cycleTime(at: number, seconds: number): string {
  if (seconds >= 120) return formatTime(at);
  return new Intl.DateTimeFormat(lang.value, {
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
  }).format(at);
}

/** How the cycle started from this card ended, as the agent told it ("back on after 20 s off"). */
function cycleOutcome(id: string, since: number): string {
  const e = liveEvents.value.find(
    (x) =>
      x.subject === id && x.at >= since && (x.kind === 'power.cycle-done' || x.kind === 'power.cycle-failed'),
  );
  return e ? say(e.msg, e.message) : '';
}

function stateKey(p: PlugInfo): MessageKey {
  if (p.cycle) return 'power.state.cycling';
  if (!p.online) return 'power.state.offline';
  return p.on === null ? 'power.state.unknown' : p.on ? 'power.state.on' : 'power.state.off';
}

function PlugCard({
  id,
  plug: p,
  live,
  focused,
}: {
  id: string;
  plug: PlugInfo;
  live: boolean;
  focused: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string; cycleFrom?: number } | null>(null);
  const powers = p.powers.join(', ');
  const watts = currentWatts(p);
  const offBlocked = p.lifeline;
  const cycleBlocked = p.lifeline && p.timer.kind === 'none';
  const state = stateKey(p);

  const act = async (verb: 'on' | 'off' | 'cycle') => {
    // The agent refuses a lifeline "off" whatever is sent; the screen never even asks.
    if (verb === 'off' && offBlocked) return;
    setBusy(true);
    setMessage(null);
    const r = await runAction(SPECS[verb], { target: id });
    setBusy(false);
    if (r.status === 'error') {
      if (r.error.message !== 'cancelled')
        setMessage({
          error: true,
          text: t('power.failed', {
            reason: errorText(r.error),
          }),
        });
    } else if (r.status === 'ok') {
      const data = r.data;
      setMessage(
        'endsAt' in data
          ? {
              error: false,
              text: t('power.cycleStarted', { time: cycleTime(data.endsAt, data.cycleSeconds) }),
              cycleFrom: Date.now() - 5000,
            }
          : {
              error: false,
              text: t('power.done', {
                name: p.name,
                state: t(data.on ? 'power.state.on' : 'power.state.off'),
              }),
            },
      );
    }
  };

  return (
    <li
      id={itemDomId(id)}
      class={`card plug${p.lifeline ? ' lifeline' : ''}${focused ? ' focused' : ''}`}
      data-testid={`plug-${id}`}
      aria-labelledby={`plug-${id}-h`}
    >
      <div class="plug-head">
        <h2 id={`plug-${id}-h`}>
          {p.lifeline && (
            <svg class="lock-icon" role="img" aria-label={t('power.lifeline')} viewBox="0 0 24 24">
              <title>{t('power.lifeline')}</title>
              <path
                fill="currentColor"
                d="M12 2a5 5 0 0 0-5 5v3H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-8a2 2 0 0 0-2-2h-1V7a5 5 0 0 0-5-5zm-3 8V7a3 3 0 0 1 6 0v3H9z"
              />
            </svg>
          )}
          <span {...DATA}>{p.name}</span>
        </h2>
        <span class={`badge ${state.split('.').pop()}`} data-testid="plug-state">
          {t(state)}
        </span>
      </div>
      <dl class="facts">
        {watts !== undefined && (
          <>
            <dt>{t('power.draw')}</dt>
            <dd data-testid="plug-watts">{t('power.watts', { n: Math.round(watts * 10) / 10 })}</dd>
          </>
        )}
        {p.powers.length > 0 && (
          <>
            <dt>{t('power.powers')}</dt>
            <dd {...DATA}>{powers}</dd>
          </>
        )}
        <dt>{t('power.timer')}</dt>
        <dd>{t(`power.timer.${p.timer.kind}`, { max: p.timer.maxSeconds })}</dd>
        {p.seenAt !== undefined && !p.online && (
          <>
            <dt />
            <dd class="muted small">{t('power.seen', { ago: formatAgo(p.seenAt, now.value) })}</dd>
          </>
        )}
      </dl>
      {p.cycle && (
        <p class="banner warning" data-testid="plug-cycle">
          {p.cycle.confirmed
            ? t('power.cycling', {
                time: cycleTime(p.cycle.endsAt, (p.cycle.endsAt - p.cycle.startedAt) / 1000),
                back: cycleTime(p.cycle.expectBackAt, (p.cycle.endsAt - p.cycle.startedAt) / 1000),
              })
            : t('power.cycleUnconfirmed', { back: formatTime(p.cycle.expectBackAt) })}
        </p>
      )}
      {!p.online && p.problem && !p.cycle && (
        <p class="error small" data-testid="plug-problem">
          <Say m={p.problem.msg} text={p.problem.message} />
        </p>
      )}
      <div class="row plug-actions">
        <button type="button" class="btn" disabled={!live || busy} onClick={() => void act('on')}>
          {t('power.on')}
        </button>
        <button
          type="button"
          class="btn danger-outline"
          disabled={!live || busy || offBlocked}
          aria-describedby={offBlocked ? `plug-${id}-offwhy` : undefined}
          onClick={() => void act('off')}
        >
          {t('power.off')}
        </button>
        <button
          type="button"
          class="btn"
          disabled={!live || busy || cycleBlocked || p.cycle !== undefined}
          aria-describedby={cycleBlocked ? `plug-${id}-cyclewhy` : undefined}
          onClick={() => void act('cycle')}
        >
          {t('power.cycle')}
        </button>
      </div>
      {offBlocked && (
        <p id={`plug-${id}-offwhy`} class="muted small" data-testid="off-reason">
          {tParts(p.timer.kind === 'none' ? 'power.offBlockedNoTimer' : 'power.offBlocked', {
            powers: (
              <span key="powers" {...DATA}>
                {powers}
              </span>
            ),
          })}
        </p>
      )}
      {cycleBlocked && (
        <p id={`plug-${id}-cyclewhy`} class="muted small">
          {t('power.cycleBlocked')}
        </p>
      )}
      {message && (
        <p class={message.error ? 'error' : 'muted'} role="alert" data-testid="plug-message">
          {message.cycleFrom === undefined || p.cycle ? message.text : cycleOutcome(id, message.cycleFrom)}
        </p>
      )}
    </li>
  );
}
