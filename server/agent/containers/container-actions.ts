// The container actions the guard runs: restart, start, stop (classified by guard-rules.ts) and
// logs. Targets are `<engine>/<name>`; a bare name is accepted when only one engine has it.
import { english, fail, msg, refOf } from '../../../shared/messages/say.js';
import {
  ContainersLogs,
  ContainersRestart,
  ContainersStart,
  ContainersStop,
} from '../../../shared/protocol/containers.js';
import { LifelineError } from '../../../shared/protocol/errors.js';
import type { MessageRef } from '../../../shared/protocol/message.js';
import { type Classification, defineAction } from '../actions.js';
import { isRunning } from './container-info.js';
import type { Tracked } from './container-table.js';
import { dockerMessage, type EngineApi, statusOf } from './engine-api.js';
import { classifyRestart, classifyStop, type GuardView } from './guard-rules.js';
import { limitMemoryAction } from './limit-memory-action.js';
import { parseLogLines } from './logs.js';
import type { MemoryLimitResult } from './memory-limit.js';

/** One engine as the actions see it. */
export interface ContainerEngine extends GuardView {
  readonly id: string;
  readonly reachable: boolean;
  find(name: string): Tracked | undefined;
  /** The engine's API, or an `unreachable` refusal with the reason. */
  api(): EngineApi;
  /** The `unreachable` refusal, naming the reason. */
  unreachableError(): LifelineError;
  /** A short reason for a failed call, as a person can act on it. */
  describeError(err: unknown): MessageRef;
  /**
   * Acts on a container as we mean to: the `dies` stops it causes are not deaths to report, and its
   * row is read again before this returns. Throws the engine's error as it came.
   */
  intended(t: Tracked, dies: number, call: (api: EngineApi, id: string) => Promise<void>): Promise<void>;
  /** It is stopped on purpose: boot-race recovery stops trying. */
  cancelRecovery(t: Tracked): void;
  /** What it uses now (null when unknown). */
  memoryInUse(t: Tracked): Promise<number | null>;
  /** `docker update` of its memory limit, read back from the engine and the kernel. */
  limitMemory(t: Tracked, bytes: number, swapBytes: number | undefined): Promise<MemoryLimitResult>;
}

export interface Resolved {
  m: ContainerEngine;
  t: Tracked;
}

const MAX_LOG_BYTES = 160 * 1024;

export function createContainerActions(engines: ReadonlyMap<string, ContainerEngine>) {
  const resolve = (target: string | undefined): Resolved => {
    const raw = target ?? '';
    const slash = raw.indexOf('/');
    if (slash > 0) {
      const m = engines.get(raw.slice(0, slash));
      if (!m) throw fail('not-found', msg('containers.no-engine', { engine: raw.slice(0, slash) }));
      const t = m.find(raw.slice(slash + 1));
      if (!t) throw notFound(m, raw.slice(slash + 1));
      return { m, t };
    }
    const hits = [...engines.values()].flatMap((m) => {
      const t = m.find(raw);
      return t ? [{ m, t }] : [];
    });
    if (hits.length === 1) return hits[0]!;
    if (hits.length > 1) throw fail('bad-args', msg('containers.ambiguous', { name: raw }));
    const down = [...engines.values()].find((m) => !m.reachable);
    throw down ? notFound(down, raw) : fail('not-found', msg('containers.not-found', { name: raw }));
  };

  /** Classification wrapper: an unknown or unreachable target is refused before anything is asked. */
  const guarded =
    (rule: (r: Resolved) => Classification) =>
    ({ target }: { target: string | undefined }): Classification => {
      try {
        const r = resolve(target);
        r.m.api();
        return rule(r);
      } catch (err) {
        if (err instanceof LifelineError)
          return {
            decision: 'refuse',
            code: err.code,
            message: err.msg ?? err.message,
            ...(err.params ? { params: err.params } : {}),
          };
        throw err;
      }
    };

  const act = async (
    r: Resolved,
    verb: 'start' | 'stop' | 'restart',
    call: (api: EngineApi, id: string) => Promise<void>,
  ): Promise<{ container: string; state: string; already?: boolean }> => {
    const { m, t } = r;
    let already = false;
    try {
      // A restart or stop of a running container makes one `die` of its own; a start none.
      await m.intended(t, verb !== 'start' && isRunning(t.inspect) ? 1 : 0, call);
    } catch (err) {
      if (err instanceof LifelineError) throw err;
      const status = statusOf(err);
      if (status === 304) already = true;
      else if (status === 404)
        throw fail('not-found', msg('containers.gone', { name: t.name, engine: m.id }));
      else if (status !== undefined)
        throw fail(
          'failed',
          msg('containers.docker-refused', {
            verb: `containers.verb.${verb}`,
            name: t.name,
            reason: dockerMessage(err),
          }),
          { container: m.key(t) },
        );
      else throw engineError(m, err);
    }
    const now = m.find(t.name) ?? t;
    return { container: m.key(t), state: now.inspect.State.Status, ...(already ? { already } : {}) };
  };

  const restart = defineAction(ContainersRestart, {
    classify: guarded(({ m, t }) => classifyRestart(m, t)),
    async run(req, ctx) {
      const r = resolve(req.target);
      ctx.progress('restarting', msg('containers.progress.restarting', { name: r.t.name }));
      return act(r, 'restart', (api, id) => api.restart(id, undefined));
    },
  });

  const start = defineAction(ContainersStart, {
    classify: guarded(() => ({ decision: 'allow' })),
    async run(req, ctx) {
      const r = resolve(req.target);
      if (isRunning(r.t.inspect))
        return { container: r.m.key(r.t), state: r.t.inspect.State.Status, already: true };
      ctx.progress('starting', msg('containers.progress.starting', { name: r.t.name }));
      return act(r, 'start', (api, id) => api.start(id));
    },
  });

  const stop = defineAction(ContainersStop, {
    classify: guarded(({ m, t }) => classifyStop(m, t)),
    async run(req, ctx) {
      const r = resolve(req.target);
      // The guard decided before; decide again in case it became a lifeline meanwhile.
      const again = classifyStop(r.m, r.t);
      if (again.decision === 'refuse')
        throw new LifelineError(
          again.code ?? 'refused',
          english(again.message),
          again.params,
          refOf(again.message),
        );
      r.m.cancelRecovery(r.t);
      ctx.progress('stopping', msg('containers.progress.stopping', { name: r.t.name }));
      return act(r, 'stop', (api, id) => api.stop(id, undefined));
    },
  });

  const logs = defineAction(ContainersLogs, {
    classify: guarded(() => ({ decision: 'allow' })),
    async run(req) {
      const { m, t } = resolve(req.target);
      let buf: Buffer;
      try {
        buf = await m.api().logs(t.id, { tail: req.args.lines, timestamps: req.args.timestamps });
      } catch (err) {
        if (err instanceof LifelineError) throw err;
        if (statusOf(err) !== undefined)
          throw fail('failed', msg('containers.logs-failed', { name: t.name, reason: dockerMessage(err) }));
        throw engineError(m, err);
      }
      let lines = parseLogLines(buf, {
        tty: Boolean(t.inspect.Config?.Tty),
        timestamps: req.args.timestamps,
      });
      // Keep the reply inside one frame: the newest lines win.
      let size = 0;
      let from = lines.length;
      while (from > 0 && size + lines[from - 1]!.text.length + 40 <= MAX_LOG_BYTES)
        size += lines[--from]!.text.length + 40;
      const truncated = from > 0;
      lines = lines.slice(from);
      return { container: m.key(t), lines, truncated };
    },
  });

  const limitMemory = limitMemoryAction(resolve, guarded);

  return [restart, start, stop, logs, limitMemory];
}

/** A call that did not reach the engine, with why. */
function engineError(m: ContainerEngine, err: unknown): LifelineError {
  const reason = m.describeError(err);
  return fail(
    'unreachable',
    msg('containers.engine-error', { ...reason.params, engine: m.id, reason: reason.key }),
  );
}

function notFound(m: ContainerEngine, name: string): LifelineError {
  return m.reachable
    ? fail('not-found', msg('containers.not-found-on', { name, engine: m.id }))
    : m.unreachableError();
}
