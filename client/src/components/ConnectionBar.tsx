import { now } from '../clock.js';
import { connProblem, connState, hadSession, path, reconnectNow, stateAsOf } from '../connection.js';
import { formatAgo, formatTime, type MessageKey, t } from '../i18n/index.js';

/**
 * Not connected, and someone answered: home said no for now, or the relay said it has no link to
 * home. Each tells the owner where the trouble is, which "Home unreachable" (nothing answered) does not.
 */
const OFFLINE: Record<string, MessageKey> = {
  'rate-limited': 'conn.limited',
  busy: 'conn.busy',
  'home-offline': 'conn.homeOffline',
};

/** Always says how fresh what you see is: live, or "as of 09:33, 2 h ago". */
export function ConnectionBar() {
  const state = connState.value;
  const label =
    state === 'online'
      ? t(path.value === 'relay' ? 'conn.online.relay' : 'conn.online.direct')
      : state === 'connecting' && hadSession.value
        ? t('conn.reconnecting')
        : state === 'offline'
          ? t(OFFLINE[connProblem.value?.code ?? ''] ?? 'conn.offline')
          : t(`conn.${state}` as 'conn.offline');
  const asOf = stateAsOf.value;
  return (
    <div class={`connbar ${state}`} role="status" aria-live="polite">
      <span class="dot" aria-hidden="true" />
      <span class="conn-label">{label}</span>
      <span class="conn-age">
        {state === 'online'
          ? t('state.live')
          : asOf
            ? t('state.asOf', { time: formatTime(asOf), ago: formatAgo(asOf, now.value) })
            : t('state.none')}
      </span>
      {state === 'offline' && (
        <button type="button" class="link" onClick={() => reconnectNow()}>
          {t('offline.retry')}
        </button>
      )}
      <a class="settings-link" href="#/settings">
        <span aria-hidden="true">⚙</span>
        <span class="sr-only">{t('nav.settings')}</span>
      </a>
    </div>
  );
}
