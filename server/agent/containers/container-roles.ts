// What a container is to this home, from the config and its neighbours: watched, a lifeline (listed,
// running this agent, or providing the network of a lifeline), and whose network it joins.
import type { EngineConfig } from './config.js';
import { networkProvider } from './container-info.js';
import type { Tracked } from './container-table.js';

export interface ContainerRoles {
  watched: boolean;
  lifeline: boolean;
  lifelineWhy: string | null;
  self: boolean;
  networkOf: string | null;
}

/** `watch` / `lifeline` entries name a container, or a compose service as `project/service`. */
export function matches(list: readonly string[], t: Tracked): boolean {
  if (list.includes(t.name)) return true;
  const labels = t.inspect.Config?.Labels ?? {};
  const project = labels['com.docker.compose.project'];
  const service = labels['com.docker.compose.service'];
  return project !== undefined && service !== undefined && list.includes(`${project}/${service}`);
}

/** Whether a `container:<x>` network reference points at this container (by id, id prefix or name). */
export function refersTo(ref: string | null, t: Tracked): boolean {
  if (!ref) return false;
  return (
    ref === t.name || ref === t.id || (ref.length >= 12 && /^[0-9a-f]+$/.test(ref) && t.id.startsWith(ref))
  );
}

/** Containers that run in this one's network namespace (they lose their network when it stops). */
export function dependentsOf(t: Tracked, all: readonly Tracked[]): Tracked[] {
  return all.filter((o) => o !== t && refersTo(networkProvider(o.inspect), t));
}

export function rolesOf(
  t: Tracked,
  all: readonly Tracked[],
  cfg: Pick<EngineConfig, 'watch' | 'lifeline'>,
  selfIds: readonly string[],
): ContainerRoles {
  const self = selfIds.includes(t.id);
  const listed = matches(cfg.lifeline, t);
  const via = dependentsOf(t, all).find((d) => matches(cfg.lifeline, d) || selfIds.includes(d.id));
  const lifeline = self || listed || via !== undefined;
  const provider = networkProvider(t.inspect);
  const providerT = provider ? all.find((o) => refersTo(provider, o)) : undefined;
  return {
    watched: lifeline || matches(cfg.watch, t),
    lifeline,
    lifelineWhy: self
      ? 'it runs this Lifeline agent'
      : listed
        ? 'it is listed as a lifeline in the config'
        : via
          ? `${via.name} (a lifeline) uses its network`
          : null,
    self,
    networkOf: providerT?.name ?? (provider ? provider.slice(0, 12) : null),
  };
}
