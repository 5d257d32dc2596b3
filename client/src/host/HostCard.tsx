// The host on Home: CPU, memory, swap, load and memory pressure at a glance, the fullest disks,
// each active alert in the owner's language, and — when the host is under pressure — the
// containers using the most, with their guarded fixes (stop, restart, a memory limit). A lifeline
// offers only restart; the agent refuses the rest anyway.
import { useState } from 'preact/hooks';
import { formatBytes } from '../../../shared/messages/format.js';
import {
  ContainersLimitMemory,
  ContainersRestart,
  ContainersStop,
  type ContainerUsage,
} from '../../../shared/protocol/containers.js';
import type { HostVitals } from '../../../shared/protocol/host.js';
import { runAction } from '../actions.js';
import { DATA } from '../components/data.js';
import { Say } from '../components/Say.js';
import { connState, entity } from '../connection.js';
import { formatDuration, type MessageKey, registerMessages, say, t } from '../i18n/index.js';
import { hostMessages } from './messages.js';
import './host.css';

registerMessages(hostMessages);

/** True while the host has an alert: Home shows the card, and its top consumers, near the top. */
export function hostUnderPressure(): boolean {
  return (entity('host', 'self')?.alerts.length ?? 0) > 0;
}

const pct = (n: number) => `${Number(n.toFixed(n < 10 ? 1 : 0))}%`;

type Fix = 'stop' | 'restart' | 'limit-memory';
type Note = { ok: boolean; text: string } | null;

async function runFix(fix: Fix, u: ContainerUsage): Promise<Note> {
  const target = `${u.engine}/${u.name}`;
  const r =
    fix === 'stop'
      ? await runAction(ContainersStop, { target })
      : fix === 'restart'
        ? await runAction(ContainersRestart, { target })
        : await runAction(ContainersLimitMemory, { target, args: { bytes: u.suggestedLimitBytes } });
  if (r.status === 'ok') {
    const key = fix === 'limit-memory' ? 'host.done.limit' : (`host.done.${fix}` as MessageKey);
    return { ok: true, text: t(key, { name: u.name, bytes: formatBytes(u.suggestedLimitBytes) }) };
  }
  if (r.status === 'error' && r.error.message === 'cancelled') return null;
  if (r.status === 'error') return { ok: false, text: say(r.error.msg, r.error.message) };
  return null;
}

function Consumer({ u, calm }: { u: ContainerUsage; calm: boolean }) {
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<Note>(null);
  const online = connState.value === 'online';
  const fix = async (f: Fix) => {
    setBusy(true);
    setNote(null);
    try {
      setNote(await runFix(f, u));
    } finally {
      setBusy(false);
    }
  };
  const grew = u.memoryGrowthBytes !== null && u.memoryGrowthBytes > 16 * 1024 * 1024;
  return (
    <li class="consumer" data-testid={`consumer-${u.engine}/${u.name}`}>
      <div class="consumer-head">
        <span class="item-title" {...DATA}>
          {u.name}
        </span>
        <span class="consumer-mem">{formatBytes(u.memoryBytes)}</span>
      </div>
      <div class="muted small">
        {grew && (
          <span class="grew">
            {t('host.grew', {
              bytes: formatBytes(u.memoryGrowthBytes!),
              duration: formatDuration(u.growthWindowMs),
            })}
            {' · '}
          </span>
        )}
        {u.memoryLimitBytes !== null && (
          <span>{t('host.limit', { bytes: formatBytes(u.memoryLimitBytes) })} · </span>
        )}
        {u.cpuPercent !== null && <span>CPU {pct(u.cpuPercent)}</span>}
      </div>
      {!calm && (
        <div class="fixes">
          {u.fixes.includes('limit-memory') && (
            <button
              type="button"
              class="btn small"
              disabled={!online || busy}
              onClick={() => void fix('limit-memory')}
            >
              {t('host.fix.limit', { bytes: formatBytes(u.suggestedLimitBytes) })}
            </button>
          )}
          {u.fixes.includes('restart') && (
            <button
              type="button"
              class="btn small"
              disabled={!online || busy}
              onClick={() => void fix('restart')}
            >
              {t('host.fix.restart')}
            </button>
          )}
          {u.fixes.includes('stop') && (
            <button
              type="button"
              class="btn small danger-outline"
              disabled={!online || busy}
              onClick={() => void fix('stop')}
            >
              {t('host.fix.stop')}
            </button>
          )}
        </div>
      )}
      {note && (
        <p class={note.ok ? 'muted small' : 'error small'} role={note.ok ? 'status' : 'alert'}>
          {note.text}
        </p>
      )}
    </li>
  );
}

function Figures({ h }: { h: HostVitals }) {
  const m = h.memory;
  const figures: [MessageKey, string, string?][] = [];
  if (h.cpu) figures.push(['host.cpu', pct(h.cpu.busyPercent)]);
  if (m)
    figures.push([
      'host.memory',
      formatBytes(m.availableBytes),
      t('host.ofTotal', { total: formatBytes(m.totalBytes) }),
    ]);
  if (m) figures.push(['host.swap', m.swapUsedPercent === null ? t('host.noSwap') : pct(m.swapUsedPercent)]);
  if (h.pressure.memory) figures.push(['host.pressure', pct(h.pressure.memory.some.avg10)]);
  else if (h.load) figures.push(['host.load', String(h.load.one)]);
  return (
    <dl class="host-figures">
      {figures.map(([k, x, sub]) => (
        <div key={k}>
          <dt>{t(k)}</dt>
          <dd>{x}</dd>
          {sub && <dd class="muted small">{sub}</dd>}
        </div>
      ))}
    </dl>
  );
}

export function HostCard() {
  const h = entity('host', 'self');
  if (!h) return null;
  const pressure = h.alerts.length > 0;
  const disks = h.mounts
    .filter((d) => d.usedPercent !== null)
    .sort((a, b) => (b.usedPercent ?? 0) - (a.usedPercent ?? 0))
    .slice(0, 3);
  const warmest = [...h.temperatures].sort((a, b) => b.celsius - a.celsius)[0];
  return (
    <section
      class={`card host-card${pressure ? ' pressure' : ''}`}
      aria-labelledby="host-h"
      data-testid="host-card"
    >
      <h2 id="host-h">{t('host.title')}</h2>
      {h.alerts.map((a) => (
        <div key={`${a.rule}:${a.subject}`} class="banner warning host-alert" role="alert" data-rule={a.rule}>
          <Say m={a.message} text={a.text} />
          {a.consumers.length > 0 && (
            <ul class="alert-consumers">
              {a.consumers.map((c, i) => (
                <li key={i}>
                  <Say m={c} text="" />
                </li>
              ))}
            </ul>
          )}
        </div>
      ))}
      <Figures h={h} />
      {h.top.length > 0 &&
        (pressure ? (
          <div class="host-top" data-testid="host-top">
            <h3>{t('host.top')}</h3>
            <ul class="consumers">
              {h.top.map((u) => (
                <Consumer key={`${u.engine}/${u.name}`} u={u} calm={false} />
              ))}
            </ul>
          </div>
        ) : (
          <details class="host-top">
            <summary>{t('host.topCalm', { n: h.containers.measured })}</summary>
            <ul class="consumers">
              {h.top.map((u) => (
                <Consumer key={`${u.engine}/${u.name}`} u={u} calm />
              ))}
            </ul>
          </details>
        ))}
      {disks.length > 0 && (
        <div class="host-disks">
          <h3>{t('host.disks')}</h3>
          {disks.map((d) => (
            <div key={d.mountPoint} class="disk">
              <div class="disk-head">
                <span class="mono" {...DATA}>
                  {d.mountPoint}
                </span>
                <span>{pct(d.usedPercent!)}</span>
              </div>
              <div class={`bar${(d.usedPercent ?? 0) >= 90 ? ' full' : ''}`}>
                <span style={{ width: `${Math.min(100, d.usedPercent ?? 0)}%` }} />
              </div>
              {d.availableBytes !== null && d.sizeBytes !== null && (
                <div class="muted small">
                  {t('host.diskFree', {
                    free: formatBytes(d.availableBytes),
                    size: formatBytes(d.sizeBytes),
                  })}
                </div>
              )}
            </div>
          ))}
        </div>
      )}
      {warmest && (
        <p class="muted small">
          {t('host.temperature', { label: warmest.label, celsius: Math.round(warmest.celsius) })}
        </p>
      )}
    </section>
  );
}
