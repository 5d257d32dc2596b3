import type { ContainerInfo } from '../../../shared/protocol/containers.js';
import { DATA } from '../components/data.js';
import { t, tParts } from '../i18n/index.js';
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
  // The guard refuses to stop a lifeline: say so before the tap, not after it.
  const locked = running && c.lifeline;
  return (
    <>
      <div class="row start">
        <button type="button" class="btn primary" disabled={disabled} onClick={() => run('restart')}>
          {t('containers.restart')}
        </button>
        {running ? (
          <button
            type="button"
            class="btn danger-outline"
            disabled={disabled || locked}
            aria-describedby={locked ? 'stop-locked' : undefined}
            onClick={() => run('stop')}
          >
            {t('containers.stop')}
          </button>
        ) : (
          <button type="button" class="btn" disabled={disabled} onClick={() => run('start')}>
            {t('containers.start')}
          </button>
        )}
      </div>
      {locked && (
        <p id="stop-locked" class="muted small">
          {tParts('containers.stopLocked', { name: <span {...DATA}>{c.name}</span> })}
        </p>
      )}
    </>
  );
}
