import { useState } from 'preact/hooks';
import { parsePairingLink } from '../../../shared/pairing-link.js';
import { DATA } from '../components/data.js';
import { canScan, QrScanner } from '../components/QrScanner.js';
import { pairWith } from '../connection.js';
import { t, tMaybe, tParts } from '../i18n/index.js';
import { navigate } from '../router.js';

function defaultName(): string {
  const ua = navigator.userAgent;
  if (/iPhone/.test(ua)) return 'iPhone';
  if (/iPad/.test(ua)) return 'iPad';
  if (/Android/.test(ua)) return 'Android';
  return 'Browser';
}

/** Pairing: the link's fragment carries the home id and the one-time code; the name is the user's. */
export function PairScreen({ params }: { params: string[] }) {
  const fromHash =
    params.length >= 2 ? `${location.origin}${location.pathname}#/pair/${params[0]}/${params[1]}` : '';
  // The link typed or scanned; a link opened in this tab later (its hash) wins: the screen may have
  // been showing since `/`, with no link yet.
  const [typed, setLink] = useState('');
  const link = fromHash || typed;
  const [name, setName] = useState(defaultName());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [scanning, setScanning] = useState(false);
  const parsed = link ? parsePairingLink(link) : null;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!parsed || 'error' in parsed) return;
    setBusy(true);
    setError(null);
    const r = await pairWith(link, name.trim() || defaultName());
    setBusy(false);
    if (r.ok) navigate('home');
    else setError(t('pair.failed', { reason: tMaybe(`error.${r.code}`, r.message) }));
  };

  return (
    <main class="screen narrow">
      <h1>{t('pair.title')}</h1>
      <p class="muted">
        {tParts('pair.intro', {
          cmd: (
            <code {...DATA} key="cmd">
              lifeline pair
            </code>
          ),
        })}
      </p>
      <form onSubmit={submit} class="stack">
        {!fromHash && canScan() && !scanning && (
          <button type="button" class="btn" onClick={() => setScanning(true)}>
            {t('pair.scan')}
          </button>
        )}
        {scanning && (
          <QrScanner
            onResult={(text) => {
              setScanning(false);
              setLink(text);
            }}
            onClose={() => setScanning(false)}
          />
        )}
        {!fromHash && (
          <label class="field">
            <span>{t('pair.linkLabel')}</span>
            <input
              name="link"
              value={typed}
              onInput={(e) => setLink((e.target as HTMLInputElement).value)}
              inputMode="url"
              autoComplete="off"
            />
          </label>
        )}
        {parsed && 'error' in parsed && <p class="error">{t('pair.badLink', { reason: parsed.error })}</p>}
        {parsed && !('error' in parsed) && (
          <p class="muted mono">
            {t('pair.home')}: <span {...DATA}>{parsed.homeId}</span>
          </p>
        )}
        <label class="field">
          <span>{t('pair.nameLabel')}</span>
          <input
            name="device-name"
            value={name}
            maxLength={60}
            placeholder={t('pair.namePlaceholder')}
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
          />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="btn primary" disabled={busy || !parsed || 'error' in parsed}>
          {busy ? t('pair.working') : t('pair.submit')}
        </button>
      </form>
    </main>
  );
}
