import { useState } from 'preact/hooks';
import { DevicesPair, DevicesRevoke } from '../../../shared/protocol/devices.js';
import { confirmLocally, runAction } from '../actions.js';
import { now } from '../clock.js';
import { DATA } from '../components/data.js';
import { NotificationSettings } from '../components/NotificationSettings.js';
import { PasskeySettings } from '../components/PasskeySettings.js';
import { connState, forgetHome, listEntities, pairing } from '../connection.js';
import { errorText } from '../error-text.js';
import { formatAgo, formatDateTime, LANGS, type Lang, langChoice, setLang, t } from '../i18n/index.js';
import { AppOrigin } from '../tls/AppOrigin.js';

/** Devices (list, revoke, add) and preferences. */
export function SettingsScreen() {
  const devices = listEntities('devices').sort((a, b) => a.data.pairedAt - b.data.pairedAt);
  const me = pairing.value?.deviceId;
  const online = connState.value === 'online';
  const [message, setMessage] = useState<string | null>(null);
  const [invite, setInvite] = useState<{ link: string; qr: string } | null>(null);

  const revoke = async (id: string) => {
    const r = await runAction(DevicesRevoke, { target: id });
    if (r.status === 'error' && r.error.message !== 'cancelled') setMessage(errorText(r.error));
  };

  // Forgetting home is revoking this phone there, when home can hear it: the agent's own typed
  // confirmation, home stops trusting the key and every other device is told. When home is not
  // reachable the phone can only forget on its own side, after its own typed confirmation.
  const forget = async () => {
    if (online && me) {
      const r = await runAction(DevicesRevoke, { target: me });
      if (r.status === 'ok') return forgetHome();
      if (r.status === 'error' && r.error.message === 'cancelled') return;
    }
    const home = pairing.value?.homeName ?? '';
    const sure = await confirmLocally({
      title: t('forget.title', { home }),
      consequences: [t('forget.key', { home }), t('forget.listed')],
      typeToConfirm: home,
    });
    if (sure) await forgetHome();
  };

  const addDevice = async () => {
    const r = await runAction(DevicesPair, {});
    if (r.status !== 'ok') {
      if (r.status === 'error' && r.error.message !== 'cancelled') setMessage(r.error.message);
      return;
    }
    const { link } = r.data;
    const QR = await import('qrcode');
    setInvite({ link, qr: await QR.toDataURL(link, { margin: 1, width: 440 }) });
  };

  return (
    <main class="screen">
      <h1>{t('settings.title')}</h1>
      <section class="card" aria-labelledby="devices-h">
        <h2 id="devices-h">{t('devices.title')}</h2>
        {devices.length === 0 && <p class="muted">{t('devices.empty')}</p>}
        <ul class="list" data-testid="device-list">
          {devices.map((d) => (
            <li key={d.id} class="item">
              <div>
                <div class="item-title">
                  <span {...DATA}>{d.data.name}</span>
                  {d.id === me && <span class="badge">{t('devices.this')}</span>}
                  {d.data.sessions > 0 && <span class="badge ok">{t('devices.online')}</span>}
                </div>
                <div class="muted small">
                  {t('devices.paired', { time: formatDateTime(d.data.pairedAt) })} ·{' '}
                  {d.data.lastSeenAt
                    ? t('devices.lastSeen', { ago: formatAgo(d.data.lastSeenAt, now.value) })
                    : t('devices.neverSeen')}
                </div>
              </div>
              <button type="button" class="btn small" disabled={!online} onClick={() => void revoke(d.id)}>
                {t('devices.revoke')}
              </button>
            </li>
          ))}
        </ul>
        <button type="button" class="btn" disabled={!online} onClick={() => void addDevice()}>
          {t('devices.add')}
        </button>
        {invite && (
          <div class="invite">
            <p class="muted">{t('devices.addHint')}</p>
            <img class="qr" src={invite.qr} alt={t('devices.qrAlt')} width={220} height={220} />
            <input readOnly value={invite.link} class="mono" aria-label={t('pair.linkLabel')} />
            <button
              type="button"
              class="btn small"
              onClick={() => void navigator.clipboard?.writeText(invite.link)}
            >
              {t('common.copy')}
            </button>
          </div>
        )}
        {message && (
          <p class="error" role="alert">
            {message}
          </p>
        )}
      </section>
      <PasskeySettings />
      <NotificationSettings />
      <section class="card">
        <h2>{t('settings.language')}</h2>
        <select
          aria-label={t('settings.language')}
          value={langChoice.value}
          onChange={(e) => setLang((e.target as HTMLSelectElement).value as Lang | 'auto')}
        >
          <option value="auto">{t('settings.language.auto')}</option>
          {LANGS.map((l) => (
            <option key={l.id} value={l.id}>
              {l.label}
            </option>
          ))}
        </select>
      </section>
      <section class="card">
        <p class="muted small" data-testid="app-build">
          {t('settings.build', { build: __LIFELINE_BUILD__ })}
        </p>
        <AppOrigin />
        <button type="button" class="btn danger-outline" onClick={() => void forget()}>
          {t('settings.forget')}
        </button>
      </section>
    </main>
  );
}
