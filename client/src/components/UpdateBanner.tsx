import { t } from '../i18n/index.js';
import { applyUpdate, updateReady } from '../sw-register.js';

/** A new version waits for the user: it takes over only when they say so, in one piece. */
export function UpdateBanner() {
  if (!updateReady.value) return null;
  return (
    <div class="banner info update" role="alert">
      <span>{t('update.ready')}</span>
      <button type="button" class="btn small primary" onClick={() => applyUpdate()}>
        {t('update.reload')}
      </button>
    </div>
  );
}
