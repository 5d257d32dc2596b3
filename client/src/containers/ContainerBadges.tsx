import type { ContainerInfo } from '../../../shared/protocol/containers.js';
import { t } from '../i18n/index.js';
import { DriftBadge } from './DriftBadge.js';

/** What needs a look at a glance: a failed exit, an unpinned image, lifeline, loop, boot race, health. */
export function ContainerBadges({ c }: { c: ContainerInfo }) {
  return (
    <>
      {c.exitCode !== null && c.exitCode !== 0 && (
        <span class="badge bad" data-testid="exit-badge">
          {t('containers.exitBadge', { code: c.exitCode })}
        </span>
      )}
      <DriftBadge c={c} />
      {c.self && <span class="badge">{t('containers.self')}</span>}
      {c.lifeline && <span class="badge lifeline">{t('containers.lifeline')}</span>}
      {c.looping && <span class="badge warn">{t('containers.looping')}</span>}
      {c.bootRace && <span class="badge warn">{t('containers.bootRace')}</span>}
      {c.health === 'unhealthy' && <span class="badge warn">{t('containers.unhealthy')}</span>}
      {c.oomKilled && <span class="badge bad">{t('containers.oom')}</span>}
    </>
  );
}
