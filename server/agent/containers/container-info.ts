// Turns Docker's inspect answer into the `container` entity. Only named fields are copied: the
// inspect data also holds the container's environment, which often carries secrets.
import type { ContainerInspectInfo } from 'dockerode';
import type {
  ContainerInfo,
  ImageDrift,
  ImagePin,
  RecoveryInfo,
} from '../../../shared/protocol/vocabulary.js';

const COMPOSE_PROJECT = 'com.docker.compose.project';
const COMPOSE_SERVICE = 'com.docker.compose.service';

export function containerName(inspect: Pick<ContainerInspectInfo, 'Name'>): string {
  return inspect.Name.replace(/^\//, '');
}

/** Docker writes 0001-01-01T00:00:00Z for "never". */
export function dockerTime(text: string | undefined): number | null {
  if (typeof text !== 'string' || !text || text.startsWith('0001-')) return null;
  const t = Date.parse(text);
  return Number.isNaN(t) ? null : t;
}

/** How firmly an image reference is pinned: by digest, by a version tag, or not at all. */
export function imagePin(ref: string): ImagePin {
  if (/@sha256:[0-9a-f]{64}$/i.test(ref)) return 'digest';
  if (/^sha256:[0-9a-f]{64}$/i.test(ref)) return 'digest';
  // The tag is what follows the last colon after the last slash (a registry port is before a slash).
  const lastPart = ref.slice(ref.lastIndexOf('/') + 1);
  const colon = lastPart.lastIndexOf(':');
  if (colon < 0) return 'untagged';
  return lastPart.slice(colon + 1) === 'latest' ? 'latest' : 'tag';
}

/**
 * The part of an inspect answer the table keeps for each container: what the entity, the guard's
 * rules, the death watch, the mounts and image checks read. Not its environment (often secrets),
 * nor the graph driver's paths, network settings and the rest of HostConfig: about half the memory
 * of a row, for every container the engine has.
 */
export function leanInspect(i: ContainerInspectInfo): ContainerInspectInfo {
  const { Health, ...state } = i.State;
  const log = Array.isArray(Health?.Log) ? Health.Log.slice(-1) : undefined;
  const c = i.Config;
  const h = i.HostConfig;
  return {
    Id: i.Id,
    Name: i.Name,
    Created: i.Created,
    Image: i.Image,
    RestartCount: i.RestartCount,
    State: { ...state, ...(Health ? { Health: { ...Health, ...(log ? { Log: log } : {}) } } : {}) },
    Config: c && { Image: c.Image, Labels: c.Labels, Tty: c.Tty, Cmd: c.Cmd, Entrypoint: c.Entrypoint },
    HostConfig: h && {
      RestartPolicy: h.RestartPolicy,
      NetworkMode: h.NetworkMode,
      Memory: h.Memory,
      MemorySwap: h.MemorySwap,
    },
    Mounts: i.Mounts,
  } as ContainerInspectInfo;
}

export function restartPolicy(inspect: ContainerInspectInfo): string {
  const p = inspect.HostConfig?.RestartPolicy;
  const name = typeof p?.Name === 'string' && p.Name ? p.Name : 'no';
  return name === 'on-failure' && p?.MaximumRetryCount ? `on-failure:${p.MaximumRetryCount}` : name;
}

/** The container whose network namespace this one joins (`--network container:x`), as written. */
export function networkProvider(inspect: ContainerInspectInfo): string | null {
  const mode = inspect.HostConfig?.NetworkMode;
  return typeof mode === 'string' && mode.startsWith('container:') ? mode.slice('container:'.length) : null;
}

export function isRunning(inspect: ContainerInspectInfo): boolean {
  return inspect.State.Running || inspect.State.Restarting;
}

export interface ContainerFlags {
  watched: boolean;
  lifeline: boolean;
  lifelineWhy: string | null;
  self: boolean;
  networkOf: string | null;
  looping: boolean;
  bootRace: boolean;
  recovery: RecoveryInfo | null;
  stoppedOnPurposeAt?: number | null;
  drift?: ImageDrift;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function toContainerInfo(
  engine: string,
  inspect: ContainerInspectInfo,
  flags: ContainerFlags,
): ContainerInfo {
  const s = inspect.State;
  const label = (name: string) => {
    const v = inspect.Config?.Labels?.[name];
    return typeof v === 'string' ? v : null;
  };
  const running = isRunning(inspect);
  const everRan = dockerTime(s.StartedAt) !== null || dockerTime(s.FinishedAt) !== null;
  const status = s.Health?.Status;
  const health = typeof status === 'string' && status !== 'none' ? status : null;
  const log = Array.isArray(s.Health?.Log) ? s.Health.Log : [];
  const lastProbe = log[log.length - 1];
  const ref = typeof inspect.Config?.Image === 'string' ? inspect.Config.Image : '';
  const pin = imagePin(ref);
  return {
    engine,
    name: containerName(inspect),
    containerId: inspect.Id.slice(0, 12),
    project: label(COMPOSE_PROJECT),
    service: label(COMPOSE_SERVICE),
    image: ref,
    imageId: inspect.Image.replace(/^sha256:/, '').slice(0, 12),
    pin,
    pinned: pin === 'digest' || pin === 'tag',
    state: s.Status,
    exitCode: running || (!everRan && !s.Error) ? null : s.ExitCode,
    error: typeof s.Error === 'string' && s.Error ? clip(s.Error, 1000) : null,
    oomKilled: s.OOMKilled === true,
    createdAt: dockerTime(inspect.Created) ?? 0,
    startedAt: dockerTime(s.StartedAt),
    finishedAt: dockerTime(s.FinishedAt),
    restartCount: typeof inspect.RestartCount === 'number' ? inspect.RestartCount : 0,
    restartPolicy: restartPolicy(inspect),
    health,
    healthOutput:
      health === 'unhealthy' && typeof lastProbe?.Output === 'string'
        ? clip(lastProbe.Output.trim(), 300) || null
        : null,
    ...flags,
  };
}

/** A plain-words hint for the exit codes people meet most. */
export function exitHint(code: number | null, oomKilled = false): string | null {
  if (code === null) return null;
  if (oomKilled) return 'killed for using too much memory';
  switch (code) {
    case 0:
      return 'exited normally';
    case 125:
      return 'Docker could not run it';
    case 126:
      return 'its command could not be executed';
    case 127:
      return 'its command or a file it needs was not found';
    case 128:
      return 'it could not start';
    case 137:
      return 'killed (SIGKILL)';
    case 139:
      return 'crashed (segmentation fault)';
    case 143:
      return 'stopped (SIGTERM)';
    default:
      return code > 128 && code < 160 ? `ended by signal ${code - 128}` : null;
  }
}
