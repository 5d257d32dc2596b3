// Owns the connection to one Docker engine: attach (version → event stream → full list), follow the
// event stream, and when the engine goes away say why and reattach by itself with a capped backoff.
// No polling: between attachments, state changes arrive only as events.

import type { ContainerInspectInfo } from 'dockerode';
import { backoffDelay } from '../../../shared/backoff.js';
import { english } from '../../../shared/messages/say.js';
import type { MessageRef } from '../../../shared/protocol/message.js';
import { describeError, type Logger } from '../../log.js';
import type { EngineConfig } from './config.js';
import { BadReplyError, type EngineApi, type EngineVersion, engineProblem } from './engine-api.js';

export interface DockerEvent {
  type: 'container' | 'network' | 'image';
  action: string;
  /** The container's full id (for network events, the container connected or disconnected; '' for image events). */
  containerId: string;
  attributes: Record<string, string>;
  /** Milliseconds since the epoch. */
  at: number;
}

export interface EngineLinkHandlers {
  /** Attached (again): the engine's version and every container as inspected now. */
  attached(version: EngineVersion, containers: ContainerInspectInfo[]): void;
  /** Not reachable, with the reason; called again when the reason changes. */
  unreachable(reason: MessageRef): void;
  event(event: DockerEvent): void;
}

export interface EngineLinkOptions {
  cfg: EngineConfig;
  openApi: (cfg: EngineConfig) => EngineApi;
  handlers: EngineLinkHandlers;
  log: Logger;
  /** Waits between reattach attempts; the last one repeats. */
  backoffMs: readonly number[];
}

const INSPECT_CONCURRENCY = 8;
const MAX_PENDING_LINE = 1024 * 1024;

export class EngineLink {
  private api: EngineApi | null = null;
  /** The API of the latest attempt, closed when the next one starts or the link stops. */
  private opened: EngineApi | null = null;
  private current: AbortController | null = null;
  private timer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private stopped = true;
  private lastReason: string | null = null;

  constructor(private readonly opts: EngineLinkOptions) {}

  /** The engine's API while attached; null while it is unreachable. */
  get connected(): EngineApi | null {
    return this.api;
  }

  start(): void {
    this.stopped = false;
    void this.attach();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.current?.abort();
    this.current = null;
    this.api = null;
    this.opened?.close();
    this.opened = null;
  }

  private async attach(): Promise<void> {
    if (this.stopped) return;
    this.current?.abort();
    const controller = new AbortController();
    this.current = controller;
    const { cfg, handlers, log } = this.opts;
    try {
      this.opened?.close();
      this.opened = null;
      const api = this.opts.openApi(cfg);
      this.opened = api;
      const version = await api.version();
      const stream = await api.events(controller.signal);
      // Events that arrive while the list is read wait, so an older inspect never overwrites a newer one.
      let buffered: DockerEvent[] | null = [];
      this.follow(stream, controller, (e) => (buffered ? buffered.push(e) : handlers.event(e)));
      const ids = (await api.list()).map((c) => c.id);
      const containers = (
        await mapLimit(ids, INSPECT_CONCURRENCY, (id) => this.inspectOrSkip(api, id))
      ).filter((c): c is ContainerInspectInfo => c !== null);
      if (controller !== this.current || controller.signal.aborted) return;
      this.api = api;
      this.attempt = 0;
      this.lastReason = null;
      log.info(
        `attached to ${api.endpoint}: Docker ${version.engineVersion}, ${containers.length} containers`,
      );
      handlers.attached(version, containers);
      const early = buffered;
      buffered = null;
      for (const e of early) handlers.event(e);
    } catch (err) {
      if (controller !== this.current) return;
      controller.abort();
      this.lost(engineProblem(err, cfg));
    }
  }

  private follow(
    stream: NodeJS.ReadableStream,
    controller: AbortController,
    emit: (e: DockerEvent) => void,
  ): void {
    let pending = '';
    stream.on('data', (chunk: Buffer | string) => {
      pending += chunk.toString();
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (line) {
          const event = parseEvent(line);
          if (!event) this.opts.log.debug(`ignored event line: ${line.slice(0, 120)}`);
          else
            try {
              emit(event);
            } catch (err) {
              // One event that cannot be handled must not take the stream (or the agent) down.
              this.opts.log.error(
                `handling ${event.action} of ${event.containerId.slice(0, 12)}: ${describeError(err)}`,
              );
            }
        }
        nl = pending.indexOf('\n');
      }
      if (pending.length > MAX_PENDING_LINE) pending = '';
    });
    const ended = (err?: unknown) => {
      // An aborted stream was ended on purpose (stop, or a failed attach that already scheduled a retry).
      if (controller !== this.current || this.stopped || controller.signal.aborted) return;
      controller.abort();
      this.api = null;
      if (err && (err as Error).name !== 'AbortError')
        this.opts.log.debug(`event stream: ${describeError(err)}`);
      // The stream ends when the engine stops; reattach at once and let that attempt tell why if it fails.
      this.attempt = 0;
      void this.attach();
    };
    stream.on('end', () => ended());
    stream.on('close', () => ended());
    stream.on('error', (err) => ended(err));
  }

  /** A container Docker describes in a way we cannot read is left out; the others are not. */
  private async inspectOrSkip(api: EngineApi, id: string): Promise<ContainerInspectInfo | null> {
    try {
      return await api.inspect(id);
    } catch (err) {
      if (!(err instanceof BadReplyError)) throw err;
      this.opts.log.warn(err.message);
      return null;
    }
  }

  private lost(reason: MessageRef): void {
    this.api = null;
    const text = english(reason);
    if (text !== this.lastReason) {
      this.lastReason = text;
      this.opts.log.warn(`${this.opts.cfg.id}: unreachable: ${text}`);
      this.opts.handlers.unreachable(reason);
    }
    if (this.stopped) return;
    const wait = backoffDelay({ steps: this.opts.backoffMs }, this.attempt);
    this.attempt++;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.attach();
    }, wait);
  }
}

/** Docker's event JSON (both the old `status`/`id` and the newer `Action`/`Actor` fields). */
export function parseEvent(line: string): DockerEvent | null {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as {
    Type?: unknown;
    Action?: unknown;
    status?: unknown;
    id?: unknown;
    Actor?: { ID?: unknown; Attributes?: unknown };
    time?: unknown;
    timeNano?: unknown;
  };
  const type = r.Type ?? 'container';
  if (type !== 'container' && type !== 'network' && type !== 'image') return null;
  const action = typeof r.Action === 'string' ? r.Action : typeof r.status === 'string' ? r.status : null;
  if (!action) return null;
  const attributes: Record<string, string> = {};
  if (r.Actor?.Attributes && typeof r.Actor.Attributes === 'object')
    for (const [k, v] of Object.entries(r.Actor.Attributes as Record<string, unknown>))
      if (typeof v === 'string') attributes[k] = v;
  const containerId =
    type === 'image'
      ? ''
      : type === 'network'
        ? attributes.container
        : typeof r.Actor?.ID === 'string'
          ? r.Actor.ID
          : r.id;
  if (type !== 'image' && (typeof containerId !== 'string' || !/^[0-9a-f]{12,64}$/.test(containerId)))
    return null;
  if (typeof containerId !== 'string') return null;
  const at =
    typeof r.timeNano === 'number'
      ? Math.floor(r.timeNano / 1e6)
      : typeof r.time === 'number'
        ? r.time * 1000
        : Date.now();
  return { type, action, containerId, attributes, at };
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
