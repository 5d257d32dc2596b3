import { useState } from 'preact/hooks';
import { connState } from '../connection.js';
import { t } from '../i18n/index.js';
import {
  ALL_GROUPS,
  disablePush,
  enablePush,
  groupsOf,
  mySubscription,
  type PushGroup,
  pushSupport,
  savePushGroups,
  testPush,
} from '../push.js';

/** Turn notifications on or off, choose what notifies, send a test. */
export function NotificationSettings() {
  const support = pushSupport();
  const mine = mySubscription.value;
  const online = connState.value === 'online';
  const [groups, setGroups] = useState<PushGroup[]>(mine ? groupsOf(mine.data.kinds) : ALL_GROUPS);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  const run = async (
    work: () => Promise<{ ok: boolean; reason?: string; message?: string } | undefined>,
    done?: string,
  ) => {
    setBusy(true);
    setMessage(null);
    const r = await work();
    setBusy(false);
    if (r && !r.ok)
      setMessage(
        r.reason === 'denied'
          ? t('notify.denied')
          : r.reason === 'no-relay'
            ? t('notify.noRelay')
            : t('notify.failed', { reason: r.message ?? '' }),
      );
    else if (done) setMessage(done);
  };

  const toggle = (g: PushGroup, on: boolean) =>
    setGroups(on ? [...groups, g] : groups.filter((x) => x !== g));

  return (
    <section class="card" aria-labelledby="push-h">
      <h2 id="push-h">{t('notify.title')}</h2>
      {support === 'ios-install-first' && <p class="muted">{t('notify.iosHint')}</p>}
      {support === 'unsupported' && <p class="muted">{t('notify.unsupported')}</p>}
      {support === 'insecure' && <p class="muted">{t('notify.insecure')}</p>}
      <p class="muted small">{t('notify.relayNotices')}</p>
      <fieldset class="groups" disabled={busy}>
        <legend>{t('notify.choose')}</legend>
        {ALL_GROUPS.map((g) => (
          <label key={g} class="check">
            <input
              type="checkbox"
              checked={groups.includes(g)}
              onChange={(e) => toggle(g, (e.target as HTMLInputElement).checked)}
            />
            <span>{t(`notify.group.${g}`)}</span>
          </label>
        ))}
      </fieldset>
      <div class="row wrap">
        {mine ? (
          <>
            <button
              type="button"
              class="btn"
              disabled={busy || !online}
              onClick={() => void run(() => savePushGroups(groups), t('notify.saved'))}
            >
              {t('notify.save')}
            </button>
            <button
              type="button"
              class="btn"
              disabled={busy || !online}
              onClick={() => void run(testPush, t('notify.testSent'))}
            >
              {t('notify.test')}
            </button>
            <button
              type="button"
              class="btn danger-outline"
              disabled={busy || !online}
              onClick={() => void run(disablePush)}
            >
              {t('notify.disable')}
            </button>
          </>
        ) : (
          <button
            type="button"
            class="btn primary"
            disabled={busy || !online || support !== 'supported'}
            onClick={() => void run(() => enablePush(groups), t('notify.enabled'))}
          >
            {t('notify.enable')}
          </button>
        )}
      </div>
      {message && (
        <p class="small" role="status">
          {message}
        </p>
      )}
    </section>
  );
}
