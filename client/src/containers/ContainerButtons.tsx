import type { ContainerInfo } from '../../../shared/protocol/containers.js';
import { t } from '../i18n/index.js';
import type { Verb } from './container-actions.js';

/** Restart, and stop or start depending on whether it runs. */
export function ContainerButtons({
  c,
  disabled,
  run,
}: {
  c: ContainerInfo;
  disabled: boolean;
  run: (verb: Verb) => void;
}) {
  const running = c.state === 'running' || c.state === 'restarting';
  return (
    <div class="row start">
      <button type="button" class="btn primary" disabled={disabled} onClick={() => run('restart')}>
        {t('containers.restart')}
      </button>
      {running ? (
        <button type="button" class="btn danger-outline" disabled={disabled} onClick={() => run('stop')}>
          {t('containers.stop')}
        </button>
      ) : (
        <button type="button" class="btn" disabled={disabled} onClick={() => run('start')}>
          {t('containers.start')}
        </button>
      )}
    </div>
  );
}
