import { useState } from 'preact/hooks';
import {
  type DdnsRecord,
  type DnsName,
  NetworkDdnsUpdate,
  type PublicIp,
  type ResolverView,
} from '../../../shared/protocol/network.js';
import { runAction } from '../actions.js';
import { now } from '../clock.js';
import { connState, listEntities } from '../connection.js';
import { formatAgo, formatTime, type MessageKey, registerMessages, t } from '../i18n/index.js';
import { networkMessages } from './messages.js';
import './NetworkCard.css';
import { DATA } from '../components/data.js';
import { errorText } from '../error-text.js';

registerMessages(networkMessages);

const BADGE: Record<string, string> = {
  match: 'ok',
  mismatch: 'warn',
  stale: 'bad',
  error: 'bad',
  unknown: '',
};

function Badge({ status }: { status: string }) {
  return (
    <span class={`badge ${BADGE[status] ?? ''}`} data-status={status}>
      {t(`network.status.${status}` as MessageKey)}
    </span>
  );
}

function Address({ ip }: { ip: PublicIp }) {
  const n = now.value;
  const change = ip.history.find((h) => h.from);
  return (
    <div class="item" data-testid={`public-${ip.family}`}>
      <div>
        <div class="item-title">
          {t(ip.family === 'ipv4' ? 'network.ipv4' : 'network.ipv6')}:{' '}
          <span class="mono" data-testid={`public-${ip.family}-address`}>
            {ip.address ?? t('network.unknown')}
          </span>
        </div>
        {ip.since && (
          <div class="muted small">
            {t('network.since', { time: formatTime(ip.since), ago: formatAgo(ip.since, n) })}
          </div>
        )}
        <div class="muted small">
          {ip.agree.length > 0 ? t('network.agree', { sources: ip.agree.join(', ') }) : t('network.noSource')}
        </div>
        {ip.disagree.map((d) => (
          <div key={d.source} class="muted small">
            {t('network.disagree', { source: d.source, address: d.address })}
          </div>
        ))}
        {ip.warning && (
          <p class="banner warning" role="alert">
            {ip.warning}
          </p>
        )}
        {change && (
          <div class="muted small">
            {t('network.lastChange', {
              from: change.from!,
              to: change.to,
              ago: formatAgo(change.at, n),
              source: change.firstSource,
            })}
          </div>
        )}
      </div>
    </div>
  );
}

function answers(r: ResolverView): string {
  if (r.status === 'error') return r.error ?? '';
  const all = [...r.a, ...r.aaaa].map((x) => `${x.address} (${x.ttl} s)`);
  return all.length > 0 ? all.join(', ') : t('network.none');
}

function Name({ name }: { name: DnsName }) {
  return (
    <div class="name" data-testid={`dns-${name.name}`}>
      <div class="item-title">
        <span class="mono">{name.name}</span> <Badge status={name.status} />
      </div>
      <div class="muted small">
        {t('network.statusSince', {
          status: t(`network.status.${name.status}` as MessageKey),
          time: formatTime(name.since),
        })}
        {name.status === 'mismatch' && name.staleAt
          ? ` · ${t('network.staleAt', { time: formatTime(name.staleAt) })}`
          : ''}
      </div>
      {name.note && <div class="muted small">{t('network.proxied')}</div>}
      <ul class="resolvers">
        {name.resolvers.map((r) => (
          <li key={r.resolver} data-resolver={r.resolver}>
            <span class="resolver">{r.resolver}</span>
            <Badge status={r.status} />
            <span class="answer" {...(r.status === 'error' || r.a.length + r.aaaa.length > 0 ? DATA : {})}>
              {answers(r)}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Ddns({ d }: { d: DdnsRecord }) {
  const online = connState.value === 'online';
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const n = now.value;
  const update = async () => {
    setBusy(true);
    setMessage(null);
    const r = await runAction(NetworkDdnsUpdate, { target: d.record });
    setBusy(false);
    if (r.status === 'ok') {
      const data = r.data;
      setMessage({
        ok: true,
        text: t('network.ddns.updated', {
          record: d.record,
          address: Object.values(data.desired).join(', '),
        }),
      });
    } else if (r.status === 'error' && r.error.message !== 'cancelled')
      setMessage({
        ok: false,
        text: t('network.ddns.error', {
          message: errorText(r.error),
        }),
      });
  };
  return (
    <div class="item" data-testid={`ddns-${d.record}`}>
      <div>
        <div class="item-title">
          {t('network.ddns', { provider: d.provider })}{' '}
          <span
            class={`badge ${d.status === 'in-sync' ? 'ok' : d.status === 'retrying' ? 'bad' : ''}`}
            data-testid="ddns-status"
          >
            {t(`network.ddns.${d.status}` as MessageKey)}
          </span>
        </div>
        {d.lastSuccessAt && (
          <div class="muted small">{t('network.ddns.lastOk', { ago: formatAgo(d.lastSuccessAt, n) })}</div>
        )}
        {d.lastAttempt && !d.lastAttempt.ok && (
          <div class="error small">
            {t('network.ddns.failed', { n: d.failures, message: d.lastAttempt.message ?? '' })}
          </div>
        )}
        {d.nextRetryAt && (
          <div class="muted small">{t('network.ddns.nextRetry', { time: formatTime(d.nextRetryAt) })}</div>
        )}
        {message && (
          <p class={message.ok ? 'muted small' : 'error small'} role="status">
            {message.text}
          </p>
        )}
      </div>
      <button type="button" class="btn small" disabled={!online || busy} onClick={() => void update()}>
        {t('network.ddns.update')}
      </button>
    </div>
  );
}

/** Public addresses and their age (IPv6 only once one was ever seen: most homes have none), each name as every resolver answers it, DDNS and a force update. */
export function NetworkCard() {
  const ips = listEntities('network.public-ip')
    .map((e) => e.data)
    .filter((ip) => ip.address || ip.history.length > 0 || (ip.family === 'ipv4' && ip.sources.length > 0))
    .sort((a, b) => (a.family < b.family ? -1 : 1));
  const names = listEntities('network.name').map((e) => e.data);
  const ddns = new Map(listEntities('network.ddns').map((e) => [e.id, e.data]));
  return (
    <section class="card net-card" aria-labelledby="net-h" data-testid="network-card">
      <h2 id="net-h">{t('network.title')}</h2>
      {ips.length === 0 && names.length === 0 && <p class="muted">{t('network.off')}</p>}
      {ips.map((ip) => (
        <Address key={ip.family} ip={ip} />
      ))}
      {names.map((name) => (
        <div key={name.name}>
          <Name name={name} />
          {ddns.get(name.name) && <Ddns d={ddns.get(name.name)!} />}
        </div>
      ))}
    </section>
  );
}
