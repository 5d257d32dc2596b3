// Each UPS behind upsd: on mains or on battery since when, charge, runtime, load and input voltage,
// what the owner's onBattery rule will stop. During an outage Home shows this card first.
import type { UpsInfo } from '../../../shared/protocol/ups.js';
import { now } from '../clock.js';
import { DATA } from '../components/data.js';
import { listEntities } from '../connection.js';
import {
  formatAgo,
  formatDuration,
  formatTime,
  type MessageKey,
  registerMessages,
  t,
} from '../i18n/index.js';
import { upsMessages } from './messages.js';
import './ups.css';

registerMessages(upsMessages);

const BADGE: Record<UpsInfo['status'], string> = {
  online: 'ok',
  'on-battery': 'warn',
  'low-battery': 'bad',
  unknown: '',
};

/** True while any UPS is on battery: Home puts the card first. */
export function upsOutage(): boolean {
  return listEntities('ups').some((e) => e.data.status === 'on-battery' || e.data.status === 'low-battery');
}

function Ups({ id, u }: { id: string; u: UpsInfo }) {
  const n = now.value;
  const facts: [MessageKey, string][] = [];
  if (u.charge !== undefined) facts.push(['ups.charge', `${u.charge}%`]);
  if (u.runtimeSeconds !== undefined)
    facts.push(['ups.runtime', t('ups.minutes', { n: Math.floor(u.runtimeSeconds / 60) })]);
  if (u.load !== undefined) facts.push(['ups.load', `${u.load}%`]);
  if (u.inputVoltage !== undefined) facts.push(['ups.input', `${u.inputVoltage} V`]);
  const rule = u.rule;
  const when = rule
    ? [
        rule.afterMinutes !== undefined ? t('ups.rule.after', { n: rule.afterMinutes }) : null,
        rule.runtimeBelowMinutes !== undefined
          ? t('ups.rule.runtime', { n: rule.runtimeBelowMinutes })
          : null,
      ]
        .filter(Boolean)
        .join(' / ')
    : '';
  return (
    <div class={`ups ups-${u.status}`} data-testid={`ups-${id}`} data-status={u.status}>
      <div class="ups-head">
        <span class="item-title" {...DATA}>
          {u.name}
        </span>
        <span class={`badge ${BADGE[u.status]}`} data-testid={`ups-${id}-status`}>
          {t(`ups.status.${u.status}`)}
        </span>
      </div>
      {u.outage && (
        <div class="ups-since" data-testid={`ups-${id}-since`}>
          {t('ups.since', { time: formatTime(u.outage.since), ago: formatAgo(u.outage.since, n) })}
        </div>
      )}
      {!u.reachable && (
        <p class="error small" role="alert">
          {t('ups.unreachable', { reason: u.problem?.message ?? '' })}
        </p>
      )}
      {u.charge !== undefined && (
        <div class="ups-charge" aria-hidden="true">
          <span style={{ width: `${Math.max(0, Math.min(100, u.charge))}%` }} />
        </div>
      )}
      <dl class="ups-facts">
        {facts.map(([k, x]) => (
          <div key={k}>
            <dt>{t(k)}</dt>
            <dd>{x}</dd>
          </div>
        ))}
      </dl>
      {u.warnings.length > 0 && (
        <p class="muted small">{t('ups.warnings', { list: u.warnings.join(', ') })}</p>
      )}
      {rule && (
        <p class="muted small">
          {rule.firedAt
            ? t('ups.rule.fired', { time: formatTime(rule.firedAt) })
            : t('ups.rule', { containers: rule.stop.join(', '), when })}
        </p>
      )}
      {!u.outage && u.lastOutage?.endedAt && (
        <p class="muted small">
          {t('ups.lastOutage', {
            time: formatTime(u.lastOutage.since),
            duration: formatDuration(u.lastOutage.endedAt - u.lastOutage.since),
          })}
        </p>
      )}
    </div>
  );
}

export function UpsCard() {
  const list = listEntities('ups').sort((a, b) => a.id.localeCompare(b.id));
  if (list.length === 0) return null;
  return (
    <section
      class={`card ups-card${upsOutage() ? ' outage' : ''}`}
      aria-labelledby="ups-h"
      data-testid="ups-card"
    >
      <h2 id="ups-h">{t('ups.title')}</h2>
      {list.map((e) => (
        <Ups key={e.id} id={e.id} u={e.data} />
      ))}
    </section>
  );
}
