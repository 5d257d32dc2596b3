import { useState } from 'preact/hooks';
import {
  type HostInfo,
  type HostNotice,
  type HostWake,
  MachinesWake,
} from '../../../shared/protocol/machines.js';
import { runAction } from '../actions.js';
import { now } from '../clock.js';
import { connState, listEntities } from '../connection.js';
import { formatAgo, formatTime, registerMessages, t, tMaybe } from '../i18n/index.js';
import { machinesMessages } from './messages.js';
import './machines.css';
import { itemDomId, useFocusedItem } from '../components/focus-item.js';
import { errorText } from '../error-text.js';

registerMessages(machinesMessages);

/** A warning or likely cause in the user's language, by its code; the agent's English otherwise. */
function notice(n: HostNotice): string {
  return tMaybe(`machines.notice.${n.code}`, n.message, n.params ?? {});
}

function wakeLine(w: HostWake): string {
  switch (w.stage) {
    case 'sent':
      return t('machines.stage.sent', {
        targets: w.sentTo
          .filter((s) => !s.error)
          .map((s) => (s.interface ? `${s.address} (${s.interface})` : s.address))
          .join(', '),
      });
    case 'waiting':
      return t('machines.stage.waiting');
    case 'up':
      return t('machines.stage.up', { n: w.elapsedSeconds });
    case 'no-answer':
      return t('machines.stage.no-answer', { n: w.elapsedSeconds });
    case 'unverified':
      return t('machines.stage.unverified');
  }
}

/** Wake-on-LAN: who is up, the MAC checks, and Wake with live progress until the machine answers. */
export function MachinesScreen({ params }: { params: string[] }) {
  const focused = useFocusedItem(params);
  const hosts = listEntities('machines').sort((a, b) => a.data.name.localeCompare(b.data.name));
  return (
    <main class="screen">
      <h1>{t('machines.title')}</h1>
      {hosts.length === 0 && <p class="muted">{t('machines.empty')}</p>}
      <ul class="machines">
        {hosts.map((h) => (
          <MachineCard key={h.id} id={h.id} host={h.data} focused={h.id === focused} />
        ))}
      </ul>
    </main>
  );
}

function MachineCard({ id, host, focused }: { id: string; host: HostInfo; focused: boolean }) {
  const [error, setError] = useState<string | null>(null);
  const online = connState.value === 'online';
  const n = now.value;
  const wake = host.wake;
  const waking = wake !== null && wake.finishedAt === null;
  const { presence } = host;
  const mismatch = host.warnings.find((w) => w.code === 'neighbour-mismatch');

  const run = async (args: Record<string, unknown>) => {
    setError(null);
    const r = await runAction(MachinesWake, { target: id, args });
    // A timeout is shown by the card itself, with its likely causes.
    if (r.status === 'error' && r.error.code !== 'timeout') setError(errorText(r.error));
  };

  const seenLine =
    presence.state === 'online' && presence.since
      ? t('machines.upSince', { time: formatTime(presence.since) })
      : presence.lastSeenAt
        ? t('machines.lastSeen', { ago: formatAgo(presence.lastSeenAt, n) })
        : t('machines.neverSeen');

  return (
    <li
      id={itemDomId(id)}
      class={`card machine${focused ? ' focused' : ''}`}
      data-testid={`host-${id}`}
      aria-labelledby={`host-${id}-name`}
    >
      <div class="machine-head">
        <h2 id={`host-${id}-name`}>{host.name}</h2>
        <span class={`badge state-${presence.state}`} data-testid="host-state">
          {t(`machines.state.${presence.state}`)}
        </span>
      </div>
      <p class="muted small">{seenLine}</p>
      <dl class="facts small">
        <dt>{t('machines.address')}</dt>
        <dd>{host.address ?? t('machines.noAddress')}</dd>
        <dt>{t('machines.mac')}</dt>
        <dd class="mono">{host.mac}</dd>
      </dl>
      {presence.problem && presence.problem.code !== 'no-address' && (
        <p class="muted small">{notice(presence.problem)}</p>
      )}
      {host.warnings.length > 0 && (
        <ul class="warnings" aria-label={t('machines.warnings', { name: host.name })}>
          {host.warnings.map((w) => (
            <li key={w.code} class="banner warning small">
              {notice(w)}
            </li>
          ))}
        </ul>
      )}
      {/* Stage changes are announced; the seconds ticking by are only shown, not read out each second. */}
      <div class="wake-progress" aria-live="polite" aria-atomic="true" data-testid="wake-progress">
        {wake && (
          <>
            <p class={`wake-stage ${wake.stage}`}>{wakeLine(wake)}</p>
            {wake.finishedAt !== null && (
              <p class="muted small">
                {t('machines.lastWake', { time: formatTime(wake.startedAt), device: wake.by })}
              </p>
            )}
          </>
        )}
      </div>
      {waking && (
        <p class="muted small" data-testid="wake-elapsed">
          {t('machines.elapsed', { n: wake.elapsedSeconds, total: wake.timeoutSeconds })}
        </p>
      )}
      {wake && wake.notes.length > 0 && (
        <details class="causes" open={wake.stage === 'no-answer'}>
          <summary>{t('machines.causes')}</summary>
          <ul>
            {wake.notes.map((c) => (
              <li key={c.code}>{notice(c)}</li>
            ))}
          </ul>
        </details>
      )}
      <div class="row">
        {mismatch && (
          <button
            type="button"
            class="btn"
            disabled={!online || waking}
            onClick={() => void run({ useSeenMac: true })}
          >
            {t('machines.wakeSeen', { mac: String(mismatch.params?.seenMac ?? '') })}
          </button>
        )}
        <button
          type="button"
          class="btn primary"
          disabled={!online || waking}
          aria-busy={waking}
          onClick={() => void run({})}
        >
          {waking ? t('machines.waking') : t('machines.wake')}
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
