import { useState } from 'preact/hooks';
import { PasskeysEnrol, PasskeysOptions } from '../../../shared/protocol/passkeys.js';
import { runAction } from '../actions.js';
import { connState, listEntities, pairing } from '../connection.js';
import { t } from '../i18n/index.js';

/**
 * This device's passkey: the owner may require a fresh check with it (finger, face or PIN) for
 * lifeline power-cycles, container stops and adding or removing devices.
 */
export function PasskeySettings() {
  const me = pairing.value?.deviceId;
  const mine = listEntities('passkeys').filter((p) => p.data.deviceId === me);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const enrol = async () => {
    setBusy(true);
    setMessage(null);
    try {
      const asked = await runAction(PasskeysOptions, {});
      if (asked.status !== 'ok') throw new Error(asked.status === 'error' ? asked.error.message : '');
      const { startRegistration } = await import('@simplewebauthn/browser');
      // biome-ignore lint/suspicious/noExplicitAny: the agent made these options with the same library
      const response = await startRegistration({ optionsJSON: asked.data.options as any });
      const done = await runAction(PasskeysEnrol, {
        args: { response: response as unknown as Record<string, unknown> },
      });
      if (done.status !== 'ok') throw new Error(done.status === 'error' ? done.error.message : '');
      setMessage(t('passkeys.added'));
    } catch (err) {
      setMessage((err as Error).message || t('passkeys.failed'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="passkeys-h">
      <h2 id="passkeys-h">{t('passkeys.title')}</h2>
      <p class="muted small">{t('passkeys.hint')}</p>
      <p data-testid="passkey-count">{t('passkeys.count', { n: mine.length })}</p>
      <button
        type="button"
        class="btn"
        disabled={busy || connState.value !== 'online'}
        onClick={() => void enrol()}
      >
        {t('passkeys.add')}
      </button>
      {message && (
        <p class="muted" role="status">
          {message}
        </p>
      )}
    </section>
  );
}
