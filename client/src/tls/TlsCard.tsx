// Home's card for the agent's certificate: until when phones can open the app at the home's name,
// and a warning once renewal has been failing into the last 14 days.
import { now } from '../clock.js';
import { listEntities } from '../connection.js';
import { formatAgo, formatDateTime, registerMessages, t } from '../i18n/index.js';
import { tlsMessages } from './messages.js';

registerMessages(tlsMessages);

const DAY = 86_400_000;

export function TlsCard() {
  const certs = listEntities('tls');
  if (certs.length === 0) return null;
  const n = now.value;
  return (
    <section class="card" data-testid="tls-card">
      <h2>{t('tls.title')}</h2>
      {certs.map(({ id, data: c }) => (
        <div key={id} class="item" data-testid={`tls-${c.name}`} data-status={c.status}>
          <div>
            <div class="item-title mono">{c.name}</div>
            {c.notAfter === undefined ? (
              <div class="muted small">{t('tls.none', { name: c.name })}</div>
            ) : c.status === 'expired' ? (
              <p class="banner warning" role="alert">
                {t('tls.expired', { name: c.name, ago: formatAgo(c.notAfter, n) })}
              </p>
            ) : (
              <div class="muted small" data-testid="tls-valid-until">
                {t('tls.validUntil', {
                  time: formatDateTime(c.notAfter),
                  days: Math.max(0, Math.floor((c.notAfter - n) / DAY)),
                })}
              </div>
            )}
            {c.expiresSoon && c.notAfter !== undefined && (
              <p class="banner warning" role="alert">
                {t('tls.expiresSoon', { days: Math.max(0, Math.ceil((c.notAfter - n) / DAY)) })}
              </p>
            )}
            {c.nextRenewalAt !== undefined && c.status !== 'expired' && (
              <div class="muted small">{t('tls.renewFrom', { time: formatDateTime(c.nextRenewalAt) })}</div>
            )}
            {c.lastError && (
              <div class="muted small">{t('tls.lastError', { message: c.lastError.message })}</div>
            )}
            {c.caa && (
              <div class="muted small">
                {t(c.caa.status === 'pinned' ? 'tls.caa.pinned' : 'tls.caa.open')}
              </div>
            )}
          </div>
        </div>
      ))}
    </section>
  );
}
