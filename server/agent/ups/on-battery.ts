// The owner's onBattery rule, run: each named container is stopped through the guard as the agent
// itself (classified like any request — a lifeline is refused — and audited under the rule's
// name), all at once, since the battery is running down. Whatever was not stopped is reported.
import { msg } from '../../../shared/messages/say.js';
import { ContainersStop } from '../../../shared/protocol/containers.js';
import { LifelineError } from '../../../shared/protocol/errors.js';
import type { ResultFrame } from '../../../shared/protocol/frames.js';
import type { AgentContext } from '../capability.js';
import type { OnBatteryFiring } from './outage.js';

export interface RuleOutcome {
  stopped: string[];
  failed: { container: string; code: string; message: string }[];
}

export async function runOnBattery(
  ctx: Pick<AgentContext, 'act' | 'events'>,
  firing: OnBatteryFiring,
): Promise<RuleOutcome> {
  const rule = `ups ${firing.ups}: onBattery rule`;
  const results = await Promise.all(
    firing.stop.map(
      async (container): Promise<[string, ResultFrame]> => [
        container,
        await ctx.act(ContainersStop, { target: container }, rule),
      ],
    ),
  );
  const outcome: RuleOutcome = { stopped: [], failed: [] };
  for (const [container, r] of results) {
    if (r.status === 'ok') outcome.stopped.push(container);
    else if (r.status === 'error')
      outcome.failed.push({ container, code: r.error.code, message: r.error.message });
    else outcome.failed.push({ container, code: 'refused', message: 'asked for a confirmation' });
  }
  if (outcome.failed.length > 0)
    throw new LifelineError(
      outcome.failed.every((f) => f.code === 'refused') ? 'refused' : 'failed',
      outcome.failed.map((f) => `${f.container}: ${f.message}`).join('; '),
      { stopped: outcome.stopped.join(', ') },
    );
  ctx.events.append({
    kind: 'ups.rule-done',
    severity: 'info',
    subject: firing.ups,
    message: msg('ups.rule-done', { ups: firing.ups, containers: outcome.stopped.join(', ') }),
  });
  return outcome;
}
