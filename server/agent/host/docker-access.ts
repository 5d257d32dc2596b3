// The little the host capability needs from a Docker engine. The agent plugs in its engine link;
// `dockerodeHostApi` implements it over dockerode for tests and for a stand-alone use.
import type Docker from 'dockerode';

export interface RunningContainer {
  /** Docker's full 64-hex id: the cgroup folders are named by it. */
  id: string;
  name: string;
}

export interface EngineCgroupInfo {
  /** `docker info` CgroupVersion: "1", "2", or null on engines too old to say. */
  cgroupVersion: string | null;
  /** `docker info` CgroupDriver: "cgroupfs", "systemd", or null. */
  cgroupDriver: string | null;
  memTotalBytes: number | null;
}

export interface MemoryLimits {
  /** HostConfig.Memory: 0 means unlimited. */
  memoryBytes: number;
  /** HostConfig.MemorySwap: memory + swap; -1 unlimited swap, 0 unset. */
  memorySwapBytes: number;
}

export interface HostDockerApi {
  running(): Promise<RunningContainer[]>;
  info(): Promise<EngineCgroupInfo>;
  /** One `GET /containers/{id}/stats?stream=false&one-shot=true`: the raw JSON, checked by the caller. */
  oneShotStats(id: string): Promise<unknown>;
  /** `POST /containers/{id}/update`. */
  updateMemory(id: string, limits: MemoryLimits): Promise<void>;
  /** The limits as inspect shows them; null when the container is gone. */
  memoryLimits(id: string): Promise<MemoryLimits | null>;
}

const CALL_TIMEOUT_MS = 10_000;
const opts = () => ({ abortSignal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
const str = (x: unknown) => (typeof x === 'string' && x !== '' ? x : null);

export function dockerodeHostApi(docker: Docker): HostDockerApi {
  return {
    async running() {
      const list = (await docker.listContainers({ ...opts() })) as unknown;
      if (!Array.isArray(list)) return [];
      return (list as Docker.ContainerInfo[])
        .filter((c) => typeof c?.Id === 'string' && /^[0-9a-f]{64}$/.test(c.Id))
        .map((c) => ({ id: c.Id, name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, '') }));
    },
    async info() {
      // dockerode's info takes options at run time; its type definitions lag behind.
      const info = (await (docker.info as (o: object) => Promise<unknown>).call(docker, opts())) as Record<
        string,
        unknown
      > | null;
      return {
        cgroupVersion: str(info?.CgroupVersion),
        cgroupDriver: str(info?.CgroupDriver),
        memTotalBytes: typeof info?.MemTotal === 'number' ? info.MemTotal : null,
      };
    },
    async oneShotStats(id) {
      const stats = docker.getContainer(id).stats as (o: object) => Promise<unknown>;
      return stats.call(docker.getContainer(id), { stream: false, 'one-shot': true, ...opts() });
    },
    async updateMemory(id, limits) {
      await docker
        .getContainer(id)
        .update({ Memory: limits.memoryBytes, MemorySwap: limits.memorySwapBytes, ...opts() });
    },
    async memoryLimits(id) {
      try {
        const i = await docker.getContainer(id).inspect(opts());
        return { memoryBytes: i.HostConfig.Memory ?? 0, memorySwapBytes: i.HostConfig.MemorySwap ?? 0 };
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return null;
        throw err;
      }
    },
  };
}
