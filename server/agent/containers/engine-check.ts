// `lifeline check` for one engine, probed directly (the agent need not be running): reachability,
// versions, and `watch` / `lifeline` names that match no container.

import type { CheckRow } from '../capability.js';
import type { EngineConfig } from './config.js';
import { describeEngineError, type EngineApi, endpointOf } from './engine-api.js';

export async function checkEngine(
  cfg: EngineConfig,
  openApi: (cfg: EngineConfig) => EngineApi,
): Promise<CheckRow[]> {
  const name = `docker ${cfg.id}`;
  let api: EngineApi | undefined;
  try {
    api = openApi(cfg);
    const version = await api.version();
    const list = await api.list();
    const running = list.filter((c) => c.running).length;
    const rows: CheckRow[] = [
      {
        name,
        status: 'ok',
        detail: `reachable at ${endpointOf(cfg)}: Docker ${version.engineVersion}, API ${version.apiVersion}, ${list.length} containers (${running} running)`,
      },
    ];
    for (const key of ['watch', 'lifeline'] as const)
      for (const wanted of cfg[key]) {
        const found = list.some(
          (c) =>
            c.name === wanted ||
            `${c.labels['com.docker.compose.project']}/${c.labels['com.docker.compose.service']}` === wanted,
        );
        if (!found)
          rows.push({
            name,
            status: 'warn',
            detail: `${key}: "${wanted}" matches no container on ${cfg.id}`,
          });
      }
    return rows;
  } catch (err) {
    return [
      { name, status: 'fail', detail: `unreachable at ${endpointOf(cfg)}: ${describeEngineError(err, cfg)}` },
    ];
  } finally {
    api?.close();
  }
}
