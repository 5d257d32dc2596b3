// The one place that talks to a Docker engine (through docker-http.ts): every call has a deadline,
// and every failure becomes a short reason a person can act on ("no Docker socket at …").

import { readFileSync } from 'node:fs';
import type Docker from 'dockerode';
import type { ContainerInspectInfo } from 'dockerode';
import { english, fail, msg } from '../../../shared/messages/say.js';
import { LifelineError } from '../../../shared/protocol/errors.js';
import type { MessageRef } from '../../../shared/protocol/message.js';
import type { AgentMetrics } from '../../metrics.js';
import type { EngineConfig } from './config.js';
import { type DockerEndpoint, DockerHttp } from './docker-http.js';

export const DEFAULT_SOCKET = '/var/run/docker.sock';
const CALL_TIMEOUT_MS = 10_000;

export interface ContainerSummary {
  id: string;
  name: string;
  running: boolean;
  labels: Record<string, string>;
}

export interface EngineVersion {
  apiVersion: string;
  engineVersion: string;
}

/** What `docker info` says about how containers are metered. */
export interface EngineFacts {
  /** CgroupVersion: "1", "2", or null on engines too old to say. */
  cgroupVersion: string | null;
  /** CgroupDriver: "cgroupfs", "systemd", or null. */
  cgroupDriver: string | null;
  memTotalBytes: number | null;
}

/** An image as the engine has it: its id and the registry digests it was pulled as. */
export interface ImageFacts {
  /** `sha256:…`: the image id (the digest of its config). */
  id: string;
  /** `repo@sha256:…` for each repository it came from; empty for an image built or loaded here. */
  repoDigests: string[];
  /** Null when the engine does not say. */
  createdAt: number | null;
}

/** `POST /containers/{id}/update` fields the agent sets. */
export interface ResourceUpdate {
  /** HostConfig.Memory in bytes; 0 removes the limit. */
  Memory: number;
  /** HostConfig.MemorySwap: memory + swap; -1 unlimited swap. */
  MemorySwap: number;
}

/** What the capability needs from an engine; tests run it against a real dockerd on a private socket. */
export interface EngineApi {
  readonly endpoint: string;
  version(): Promise<EngineVersion>;
  list(): Promise<ContainerSummary[]>;
  /** Null when the container no longer exists. */
  inspect(id: string): Promise<ContainerInspectInfo | null>;
  /** The engine's event stream (JSON lines) from now on; aborting the signal ends it. */
  events(signal: AbortSignal): Promise<NodeJS.ReadableStream>;
  start(id: string): Promise<void>;
  stop(id: string, seconds: number | undefined): Promise<void>;
  restart(id: string, seconds: number | undefined): Promise<void>;
  logs(id: string, opts: { tail: number; timestamps: boolean }): Promise<Buffer>;
  info(): Promise<EngineFacts>;
  /** One `GET /containers/{id}/stats?stream=false&one-shot=true`: the raw JSON, checked by the caller. */
  stats(id: string): Promise<unknown>;
  /** Changes a container's resources in place (`docker update`). */
  update(id: string, resources: ResourceUpdate): Promise<void>;
  /** An image by id or reference; null when the engine has none by that name. */
  image(ref: string): Promise<ImageFacts | null>;
  /** Closes every connection this API opened. */
  close(): void;
}

/** The engine answered, but not in Docker's format: one item is skipped, the rest carries on. */
export class BadReplyError extends Error {
  override name = 'BadReplyError';
}

const ID = /^[0-9a-f]{12,64}$/;

function isSummary(c: unknown): c is Docker.ContainerInfo {
  const x = c as Partial<Docker.ContainerInfo> | null;
  return typeof x?.Id === 'string' && ID.test(x.Id);
}

/** The fields the agent reads, with the types it expects. */
function isInspect(c: unknown): c is ContainerInspectInfo {
  const x = c as Partial<ContainerInspectInfo> | null;
  const s = x?.State as Partial<ContainerInspectInfo['State']> | undefined;
  return (
    typeof x?.Id === 'string' &&
    ID.test(x.Id) &&
    typeof x.Name === 'string' &&
    typeof x.Image === 'string' &&
    typeof s === 'object' &&
    s !== null &&
    typeof s.Status === 'string' &&
    typeof s.ExitCode === 'number' &&
    typeof s.Running === 'boolean' &&
    (x.Config === undefined || (typeof x.Config === 'object' && x.Config !== null))
  );
}

export function endpointOf(cfg: EngineConfig): string {
  if (cfg.url) return `${cfg.url}${cfg.tls ? ' (TLS)' : ''}`;
  return `unix://${cfg.socket ?? DEFAULT_SOCKET}`;
}

interface DockerodeError extends Error {
  code?: string;
  statusCode?: number;
  json?: { message?: string } | null;
}

/** A short reason for an engine failure, without internals (and never the TLS key). */
export function engineProblem(err: unknown, cfg: EngineConfig): MessageRef {
  const other = (detail: string) => msg('containers.engine.other', { detail });
  if (err instanceof LifelineError) return err.msg ?? other(err.message);
  const e = err as DockerodeError;
  const where = cfg.url ?? cfg.socket ?? DEFAULT_SOCKET;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError')
    return msg('containers.engine.timeout', { where, seconds: CALL_TIMEOUT_MS / 1000 });
  switch (e?.code) {
    case 'ENOENT':
      return msg('containers.engine.no-socket', { where });
    case 'EACCES':
      return msg('containers.engine.denied', { where });
    case 'ECONNREFUSED':
      return msg('containers.engine.refused', { where });
    case 'ECONNRESET':
    case 'EPIPE':
      return msg('containers.engine.reset', { where });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return msg('containers.engine.dns', { where });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return msg('containers.engine.no-route', { where });
    case 'ETIMEDOUT':
      return msg('containers.engine.connect-timeout', { where });
  }
  if (typeof e?.code === 'string' && /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO/.test(e.code))
    return msg('containers.engine.tls', { where, detail: e.message });
  if (typeof e?.statusCode === 'number')
    return msg('containers.engine.status', { status: e.statusCode, detail: dockerMessage(e) });
  return other(e?.message ? e.message.split('\n')[0]!.slice(0, 300) : 'unknown error');
}

export function describeEngineError(err: unknown, cfg: EngineConfig): string {
  return english(engineProblem(err, cfg));
}

/** Docker's own explanation of a refused call ("No such container", the OCI runtime error…). */
export function dockerMessage(err: unknown): string {
  const e = err as DockerodeError;
  const text = e?.json?.message ?? e?.message ?? String(err);
  return text.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
}

export function statusOf(err: unknown): number | undefined {
  return (err as DockerodeError)?.statusCode;
}

function readTls(cfg: EngineConfig): { ca?: Buffer; cert: Buffer; key: Buffer } | undefined {
  if (!cfg.tls) return undefined;
  const read = (what: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw fail(
        'unreachable',
        msg('containers.engine.tls-file', {
          what,
          file,
          code: (err as NodeJS.ErrnoException).code ?? 'error',
        }),
      );
    }
  };
  return {
    ...(cfg.tls.ca ? { ca: read('ca', cfg.tls.ca) } : {}),
    cert: read('cert', cfg.tls.cert),
    key: read('key', cfg.tls.key),
  };
}

/** `tcp://` means TLS when TLS files are given, as with the docker CLI's --tlsverify. */
function isHttps(cfg: EngineConfig): boolean {
  return Boolean(cfg.url && (cfg.url.startsWith('https:') || (cfg.url.startsWith('tcp:') && cfg.tls)));
}

function endpointFor(cfg: EngineConfig): DockerEndpoint {
  if (!cfg.url) return { socketPath: cfg.socket ?? DEFAULT_SOCKET };
  const protocol = isHttps(cfg) ? 'https' : 'http';
  const url = new URL(cfg.url.replace(/^tcp:/, `${protocol}:`));
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port || (protocol === 'https' ? 2376 : 2375)),
    protocol,
    ...(readTls(cfg) ?? {}),
  };
}

/**
 * Builds the engine's API. TLS files are read here, so a missing file is reported as the reason
 * the engine is unreachable and picked up on the next attempt once it is there.
 */
export function openEngineApi(cfg: EngineConfig): EngineApi {
  const docker = new DockerHttp(endpointFor(cfg));
  // Every call of this API, so that closing it ends what is still in flight.
  const closing = new AbortController();
  const deadline = (ms = CALL_TIMEOUT_MS) => AbortSignal.any([AbortSignal.timeout(ms), closing.signal]);
  const post = async (path: string, ms: number, query?: Record<string, number | undefined>) => {
    await docker.buffer({ method: 'POST', path, ...(query ? { query } : {}), signal: deadline(ms) });
  };
  const id = (containerId: string) => encodeURIComponent(containerId);
  return {
    endpoint: endpointOf(cfg),
    async version() {
      const r = (await docker.json({
        path: '/version',
        signal: deadline(),
      })) as Partial<Docker.DockerVersion> | null;
      if (typeof r?.ApiVersion !== 'string' || typeof r.Version !== 'string')
        throw new BadReplyError(`${endpointOf(cfg)} does not answer like a Docker engine`);
      return { apiVersion: r.ApiVersion.slice(0, 20), engineVersion: r.Version.slice(0, 60) };
    },
    async list() {
      const list = await docker.json({
        path: '/containers/json',
        query: { all: true },
        signal: deadline(),
      });
      if (!Array.isArray(list))
        throw new BadReplyError(`${endpointOf(cfg)} sent a container list that is not a list`);
      return (list as Docker.ContainerInfo[]).filter(isSummary).map((c) => ({
        id: c.Id,
        name: (c.Names?.[0] ?? '').replace(/^\//, ''),
        running: c.State === 'running',
        labels: c.Labels ?? {},
      }));
    },
    async inspect(containerId) {
      let inspect: unknown;
      try {
        inspect = await docker.json({ path: `/containers/${id(containerId)}/json`, signal: deadline() });
      } catch (err) {
        if (statusOf(err) === 404) return null;
        throw err;
      }
      if (!isInspect(inspect))
        throw new BadReplyError(
          `${endpointOf(cfg)} sent an unreadable description of ${containerId.slice(0, 12)}`,
        );
      return inspect;
    },
    async events(signal) {
      return docker.stream({
        path: '/events',
        query: { filters: JSON.stringify({ type: ['container', 'network', 'image'] }) },
        signal: AbortSignal.any([signal, closing.signal]),
      });
    },
    async start(containerId) {
      await post(`/containers/${id(containerId)}/start`, 60_000);
    },
    async stop(containerId, seconds) {
      await post(`/containers/${id(containerId)}/stop`, ((seconds ?? 10) + 30) * 1000, { t: seconds });
    },
    async restart(containerId, seconds) {
      await post(`/containers/${id(containerId)}/restart`, ((seconds ?? 10) + 60) * 1000, { t: seconds });
    },
    async logs(containerId, opts) {
      return docker.buffer({
        path: `/containers/${id(containerId)}/logs`,
        query: { stdout: true, stderr: true, follow: false, tail: opts.tail, timestamps: opts.timestamps },
        signal: deadline(),
      });
    },
    async info() {
      const r = (await docker.json({ path: '/info', signal: deadline() })) as Record<string, unknown> | null;
      const str = (x: unknown) => (typeof x === 'string' && x !== '' ? x : null);
      return {
        cgroupVersion: str(r?.CgroupVersion),
        cgroupDriver: str(r?.CgroupDriver),
        memTotalBytes: typeof r?.MemTotal === 'number' ? r.MemTotal : null,
      };
    },
    async stats(containerId) {
      return docker.json({
        path: `/containers/${id(containerId)}/stats`,
        query: { stream: false, 'one-shot': true },
        signal: deadline(),
      });
    },
    async update(containerId, resources) {
      await docker.buffer({
        method: 'POST',
        path: `/containers/${id(containerId)}/update`,
        body: resources,
        signal: deadline(),
      });
    },
    async image(ref) {
      let r: unknown;
      try {
        r = await docker.json({ path: `/images/${imageRef(ref)}/json`, signal: deadline() });
      } catch (err) {
        if (statusOf(err) === 404) return null;
        throw err;
      }
      const x = r as { Id?: unknown; RepoDigests?: unknown; Created?: unknown } | null;
      if (typeof x?.Id !== 'string') throw new BadReplyError(`${endpointOf(cfg)} sent an unreadable image`);
      const created = typeof x.Created === 'string' ? Date.parse(x.Created) : Number.NaN;
      return {
        id: x.Id,
        repoDigests: Array.isArray(x.RepoDigests)
          ? x.RepoDigests.filter((d): d is string => typeof d === 'string')
          : [],
        createdAt: Number.isNaN(created) ? null : created,
      };
    },
    close() {
      closing.abort();
      docker.close();
    },
  };
}

/** Records how long each engine request takes (lifeline_device_request_seconds{kind="docker"}). */
export function timedEngineApi(api: EngineApi, metrics: AgentMetrics): EngineApi {
  const time = <T>(call: () => Promise<T>) => metrics.timeDevice('docker', 'engine', call);
  return {
    get endpoint() {
      return api.endpoint;
    },
    version: () => time(() => api.version()),
    list: () => time(() => api.list()),
    inspect: (id) => time(() => api.inspect(id)),
    events: (signal) => api.events(signal),
    start: (id) => time(() => api.start(id)),
    stop: (id, seconds) => time(() => api.stop(id, seconds)),
    restart: (id, seconds) => time(() => api.restart(id, seconds)),
    logs: (id, opts) => time(() => api.logs(id, opts)),
    info: () => time(() => api.info()),
    stats: (id) => time(() => api.stats(id)),
    update: (id, resources) => time(() => api.update(id, resources)),
    image: (ref) => time(() => api.image(ref)),
    close: () => api.close(),
  };
}

/** An image reference in a path: `nas.lan:5000/team/app:1.2` stays as written, anything else is escaped. */
function imageRef(ref: string): string {
  return ref.replace(/[^A-Za-z0-9._\-/:@]/g, (c) => encodeURIComponent(c));
}
