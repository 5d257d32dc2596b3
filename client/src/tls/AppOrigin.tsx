// Settings' line on who served this app's code. The server that sent the page says (/origin.json,
// same origin): a relay serves the app only when its owner opted in, and then its operator could
// change the code, so the owner should know.
import { useEffect, useState } from 'preact/hooks';
import { registerMessages, t } from '../i18n/index.js';
import { tlsMessages } from './messages.js';

registerMessages(tlsMessages);

export function AppOrigin() {
  const [servedBy, setServedBy] = useState<string | null>(null);
  useEffect(() => {
    fetch('/origin.json', { cache: 'no-store' })
      .then((r) => (r.ok ? r.json() : null))
      .then((j: { servedBy?: unknown } | null) => {
        if (typeof j?.servedBy === 'string') setServedBy(j.servedBy);
      })
      .catch(() => {});
  }, []);
  if (servedBy === 'relay')
    return (
      <p class="banner warning" data-testid="app-origin" data-served-by="relay">
        {t('origin.relay')}
      </p>
    );
  if (servedBy === 'agent')
    return (
      <p class="muted small" data-testid="app-origin" data-served-by="agent">
        {t('origin.agent')}
      </p>
    );
  return null;
}
