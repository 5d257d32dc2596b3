import type { ContainerInfo } from '../../../shared/protocol/containers.js';
import { now } from '../clock.js';
import { DATA } from '../components/data.js';
import { Say } from '../components/Say.js';
import { formatDateTime, formatTime, type MessageKey, t, tMaybe } from '../i18n/index.js';
import { stateLabel, when } from './container-state.js';

function exitText(code: number): string {
  const hint = tMaybe(`containers.exit.${code}`, '');
  return hint ? `${code} — ${hint}` : String(code);
}

/** Everything the agent knows of one container, the facts that do not apply left out. */
export function ContainerFacts({ c, engineName }: { c: ContainerInfo; engineName: string }) {
  const r = c.recovery;
  return (
    <section class="card">
      <dl class="facts">
        <dt>{t('containers.facts.state')}</dt>
        <dd data-testid="detail-state">
          {stateLabel(c)} · {when(c, now.value)}
        </dd>
        {c.exitCode !== null && (
          <>
            <dt>{t('containers.facts.exitCode')}</dt>
            <dd>{exitText(c.exitCode)}</dd>
          </>
        )}
        {c.error && (
          <>
            <dt>{t('containers.facts.error')}</dt>
            <dd class="ctr-error">{c.error}</dd>
          </>
        )}
        {c.cause && (
          <>
            <dt>{t('containers.facts.cause')}</dt>
            <dd data-testid="cause">
              <Say m={c.cause} text="" />
            </dd>
          </>
        )}
        {c.mounts && c.mounts.length > 0 && (
          <>
            <dt>{t('containers.facts.mounts')}</dt>
            <dd>
              <ul class="mounts" data-testid="mounts">
                {c.mounts.map((m) => (
                  <li key={m.target} data-seen={m.seen}>
                    <span class="mono" {...DATA}>
                      {m.source} → {m.target}
                    </span>
                    {m.readOnly && ` · ${t('containers.mount.readOnly')}`}
                    {m.seen === 'empty' && <b class="error"> · {t('containers.mount.empty')}</b>}
                    {m.seen === 'missing' && <b class="error"> · {t('containers.mount.missing')}</b>}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
        {c.startedAt && (
          <>
            <dt>{t('containers.facts.started')}</dt>
            <dd>{formatDateTime(c.startedAt)}</dd>
          </>
        )}
        {c.finishedAt && (
          <>
            <dt>{t('containers.facts.finished')}</dt>
            <dd>{formatDateTime(c.finishedAt)}</dd>
          </>
        )}
        <dt>{t('containers.facts.restarts')}</dt>
        <dd>{c.restartCount}</dd>
        <dt>{t('containers.facts.policy')}</dt>
        <dd>{c.restartPolicy}</dd>
        {c.health && (
          <>
            <dt>{t('containers.facts.health')}</dt>
            <dd>
              {c.health}
              {c.healthOutput ? ` — ${c.healthOutput}` : ''}
            </dd>
          </>
        )}
        <dt>{t('containers.facts.image')}</dt>
        <dd>
          <span class="mono">{c.image}</span>
          <div class={`small ${c.pinned ? 'muted' : 'warn-text'}`}>
            {t(`containers.pin.${c.pin}` as MessageKey)}
          </div>
        </dd>
        {c.project && (
          <>
            <dt>{t('containers.facts.project')}</dt>
            <dd>
              {c.project}
              {c.service ? ` / ${c.service}` : ''}
            </dd>
          </>
        )}
        {c.lifelineWhy && (
          <>
            <dt>{t('containers.facts.lifeline')}</dt>
            <dd>{c.lifelineWhy}</dd>
          </>
        )}
        {c.networkOf && (
          <>
            <dt>{t('containers.facts.network')}</dt>
            <dd>{c.networkOf}</dd>
          </>
        )}
        {r && (
          <>
            <dt>{t('containers.facts.recovery')}</dt>
            <dd>
              {t(`containers.recovery.${r.status}` as MessageKey, {
                n: r.attempts,
                time: r.nextAt ? formatTime(r.nextAt) : '',
              })}
            </dd>
          </>
        )}
        <dt>{t('containers.facts.engine')}</dt>
        <dd>{engineName}</dd>
        <dt>{t('containers.facts.id')}</dt>
        <dd class="mono">{c.containerId}</dd>
      </dl>
    </section>
  );
}
