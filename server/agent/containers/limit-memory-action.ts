// containers.limit-memory under the guard: refused for a lifeline (a limit could get it killed and
// cut the way back in) and for a limit below what the container uses now (cgroup v2 would kill it
// on the spot); otherwise confirmed first, saying what happens above the limit.
import { fail, msg } from '../../../shared/messages/say.js';
import { ContainersLimitMemory } from '../../../shared/protocol/containers.js';
import { type Classification, defineAction } from '../actions.js';
import type { Resolved } from './container-actions.js';
import { suggestedLimit } from './usage-history.js';

export function limitMemoryAction(
  resolve: (target: string | undefined) => Resolved,
  guarded: (rule: (r: Resolved) => Classification) => (req: { target: string | undefined }) => Classification,
) {
  return defineAction(ContainersLimitMemory, {
    classify: async (req) => {
      const first = guarded(({ m, t }) =>
        m.roles(t).lifeline
          ? {
              decision: 'refuse',
              code: 'refused',
              message: msg('containers.memoryLimit.lifeline', { name: t.name }),
              params: { container: m.key(t) },
            }
          : { decision: 'allow' },
      )(req);
      if (first.decision === 'refuse') return first;
      const { m, t } = resolve(req.target);
      const limitBytes = req.args.bytes;
      const usageBytes = await m.memoryInUse(t).catch(() => null);
      if (usageBytes !== null && limitBytes < usageBytes)
        return {
          decision: 'refuse',
          code: 'bad-args',
          message: msg('containers.memoryLimit.belowUsage', {
            name: t.name,
            limitBytes,
            usageBytes,
            suggestedBytes: suggestedLimit(usageBytes),
          }),
          params: { usageBytes, limitBytes },
        };
      return {
        decision: 'confirm',
        title: msg('containers.memoryLimit.confirm', { name: t.name, limitBytes }),
        consequences: [
          usageBytes === null
            ? msg('containers.memoryLimit.consequenceUnknown', { limitBytes })
            : msg('containers.memoryLimit.consequence', { limitBytes, usageBytes }),
        ],
      };
    },
    async run(req, ctx) {
      const r = resolve(req.target);
      if (r.m.roles(r.t).lifeline)
        throw fail('refused', msg('containers.memoryLimit.lifeline', { name: r.t.name }));
      ctx.progress('updating', msg('containers.memoryLimit.progress', { name: r.t.name }));
      const result = await r.m.limitMemory(r.t, req.args.bytes, req.args.swapBytes);
      return { container: r.m.key(r.t), ...result };
    },
  });
}
