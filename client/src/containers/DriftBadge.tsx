// The unpinned-image warning on exactly the containers whose image would change: "changes on
// recreate" when the tag already points elsewhere (or the image is gone), "unpinned" when the tag is
// one that moves (latest, none) and the next pull may change it. Before the agent knows (an older
// agent, the lookup under way) the pin alone decides, as before.
import type { ContainerInfo } from '../../../shared/protocol/containers.js';
import { registerMessages, t } from '../i18n/index.js';
import { driftMessages } from './drift-messages.js';

registerMessages(driftMessages);

export function DriftBadge({ c }: { c: ContainerInfo }) {
  const d = c.drift;
  if (d && d.changesOn === 'recreate')
    return (
      <span
        class="badge warn"
        data-testid="drift-badge"
        title={
          d.status === 'missing'
            ? t('containers.drift.missing')
            : t('containers.drift.recreateWhy', { image: d.tagImageId ?? '' })
        }
      >
        {t('containers.drift.recreate')}
      </span>
    );
  const unpinned = d && d.status !== 'unknown' ? d.changesOn === 'pull' : !c.pinned;
  if (!unpinned) return null;
  return (
    <span
      class="badge warn"
      title={t(c.pin === 'latest' ? 'containers.pin.latest' : 'containers.pin.untagged')}
    >
      {t('containers.unpinned')}
    </span>
  );
}
