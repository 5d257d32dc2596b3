// The one gate every command passes, whatever path it came by (PWA, ctl, notification action,
// crafted frame). It classifies, runs the two-phase confirmation, and writes the audit entry
// durably before any result leaves the agent (SPEC §4, §5).

import * as v from 'valibot';
import { randomBytes, toBase64Url } from '../../shared/bytes.js';
import type { ActionSpec, CallOf } from '../../shared/protocol/action.js';
import { type ErrorInfo, LifelineError, toErrorInfo } from '../../shared/protocol/errors.js';
import type { CommandFrame, ResultFrame } from '../../shared/protocol/frames.js';
import { describeIssues } from '../../shared/protocol/issues.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { describeError } from '../log.js';
import type { AgentMetrics } from '../metrics.js';
import type { AuditDecision, AuditRepo } from '../store/audit-repo.js';
import type { ActionRegistry, ActionRequest, Classification, Requester } from './actions.js';
import { stableJson } from './state.js';

export const CHALLENGE_TTL_MS = 60_000;
const MAX_OPEN_CHALLENGES_PER_DEVICE = 16;

interface Challenge {
  deviceId: string;
  binding: string;
  expiresAt: number;
  typeToConfirm: string | undefined;
}

export interface GuardHooks {
  progress(stage: string, message?: string, data?: Record<string, unknown>): void;
  signal: AbortSignal;
  /** Re-checked just before running: a device revoked meanwhile gets nothing executed. */
  stillAuthorized(): boolean;
}

export class Guard {
  private readonly challenges = new Map<string, Challenge>();

  constructor(
    private readonly registry: ActionRegistry,
    private readonly audit: AuditRepo,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly metrics?: AgentMetrics,
  ) {}

  async execute(cmd: CommandFrame, device: Requester, hooks: GuardHooks): Promise<ResultFrame> {
    const result = (error: ErrorInfo): ResultFrame => ({ t: 'result', id: cmd.id, status: 'error', error });
    const action = this.registry.get(cmd.action);
    // An older app may send an action's earlier name: from here on it is the action's own name.
    const name = action?.spec.name ?? cmd.action;
    const argsText = auditArgs(cmd.args, action?.spec.secretArgs);
    const record = (decision: AuditDecision, outcome: 'refused' | 'pending' | 'running', error?: ErrorInfo) =>
      this.audit.append({
        at: this.clock.now(),
        deviceId: device.id,
        deviceName: device.name,
        action: name,
        target: cmd.target ?? null,
        args: argsText,
        decision,
        outcome,
        code: error?.code ?? null,
        message: error?.message ?? null,
      });
    const refuse = (error: ErrorInfo): ResultFrame => {
      this.metrics?.refusals.inc({ action: action ? name : 'unknown', code: error.code });
      this.metrics?.commands.inc({ action: action ? name : 'unknown', outcome: 'refused' });
      if (!action?.spec.query) record('refused', 'refused', error);
      return result(error);
    };

    if (!action) return refuse({ code: 'unknown-action', message: `unknown action ${cmd.action}` });
    const { spec } = action;
    if (spec.target === 'required' && !cmd.target)
      return refuse({ code: 'bad-args', message: 'this action needs a target' });
    if (spec.target === 'none' && cmd.target)
      return refuse({ code: 'bad-args', message: 'this action takes no target' });
    const parsed = v.safeParse(spec.args, cmd.args ?? {});
    if (!parsed.success) return refuse({ code: 'bad-args', message: describeIssues(parsed.issues, 'args') });
    const req: ActionRequest<unknown> = { device, target: cmd.target, args: parsed.output };

    let classification: Classification;
    try {
      classification = await action.classify(req);
    } catch (err) {
      return refuse(
        err instanceof LifelineError ? err.toInfo() : { code: 'internal', message: 'could not classify' },
      );
    }
    if (classification.decision === 'refuse')
      return refuse({
        code: classification.code ?? 'refused',
        message: classification.message,
        ...(classification.params ? { params: classification.params } : {}),
      });

    let decision: AuditDecision = 'allowed';
    if (classification.decision === 'confirm') {
      const binding = stableJson({ action: name, target: cmd.target ?? null, args: cmd.args ?? {} });
      if (!cmd.confirm) {
        const confirm = this.issueChallenge(device.id, binding, classification);
        record('confirm-required', 'pending');
        this.metrics?.commands.inc({ action: name, outcome: 'confirm-required' });
        return { t: 'result', id: cmd.id, status: 'confirm', confirm };
      }
      const problem = this.redeemChallenge(cmd.confirm, device.id, binding);
      if (problem) return refuse(problem);
      decision = 'confirmed';
    } else if (cmd.confirm) {
      // A confirmation for something that needs none is consumed anyway: challenges stay single-use.
      this.challenges.delete(cmd.confirm.challenge);
    }

    if (!hooks.stillAuthorized())
      return refuse({ code: 'refused', message: 'this device is no longer authorised' });

    const auditId = spec.query ? undefined : record(decision, 'running');
    try {
      const data = await action.run(req, { progress: hooks.progress, signal: hooks.signal });
      if (auditId !== undefined) this.audit.finish(auditId, 'ok', this.clock.now(), null, null);
      this.metrics?.commands.inc({ action: name, outcome: 'ok' });
      return { t: 'result', id: cmd.id, status: 'ok', ...(data === undefined ? {} : { data }) };
    } catch (err) {
      const info = toErrorInfo(err);
      if (!(err instanceof LifelineError)) this.log.error(`${name} failed: ${describeError(err)}`);
      if (auditId !== undefined)
        this.audit.finish(auditId, 'error', this.clock.now(), info.code, info.message);
      this.metrics?.commands.inc({ action: name, outcome: 'error' });
      return result(info);
    }
  }

  /** Drops every open challenge of a device (revocation). */
  forgetDevice(deviceId: string): void {
    for (const [key, c] of this.challenges) if (c.deviceId === deviceId) this.challenges.delete(key);
  }

  private issueChallenge(
    deviceId: string,
    binding: string,
    c: Extract<Classification, { decision: 'confirm' }>,
  ): { challenge: string; expiresAt: number; title: string; consequences: string[]; typeToConfirm?: string } {
    const now = this.clock.now();
    let open = 0;
    for (const [key, ch] of this.challenges) {
      if (ch.expiresAt <= now) this.challenges.delete(key);
      else if (ch.deviceId === deviceId) open++;
    }
    if (open >= MAX_OPEN_CHALLENGES_PER_DEVICE) {
      const oldest = [...this.challenges].find(([, ch]) => ch.deviceId === deviceId);
      if (oldest) this.challenges.delete(oldest[0]);
    }
    const challenge = toBase64Url(randomBytes(18));
    const expiresAt = now + CHALLENGE_TTL_MS;
    this.challenges.set(challenge, { deviceId, binding, expiresAt, typeToConfirm: c.typeToConfirm });
    return {
      challenge,
      expiresAt,
      title: c.title,
      consequences: c.consequences,
      ...(c.typeToConfirm ? { typeToConfirm: c.typeToConfirm } : {}),
    };
  }

  /** Consumes the challenge whatever the outcome, so it can never be tried twice. */
  private redeemChallenge(
    confirm: NonNullable<CommandFrame['confirm']>,
    deviceId: string,
    binding: string,
  ): ErrorInfo | undefined {
    const ch = this.challenges.get(confirm.challenge);
    if (!ch || ch.deviceId !== deviceId || ch.binding !== binding)
      return {
        code: 'challenge-invalid',
        message: 'this confirmation is unknown, already used, or for another command',
      };
    this.challenges.delete(confirm.challenge);
    if (ch.expiresAt <= this.clock.now())
      return { code: 'challenge-expired', message: 'the confirmation expired (60 s); ask again' };
    if (ch.typeToConfirm !== undefined && confirm.text?.trim() !== ch.typeToConfirm)
      return {
        code: 'confirm-text-mismatch',
        message: `type "${ch.typeToConfirm}" exactly to confirm`,
        params: { expected: ch.typeToConfirm },
      };
    return undefined;
  }
}

function auditArgs(args: Record<string, unknown> | undefined, secret: readonly string[] = []): string | null {
  if (!args || Object.keys(args).length === 0) return null;
  const safe = Object.fromEntries(Object.entries(args).map(([k, v]) => [k, secret.includes(k) ? '***' : v]));
  const text = JSON.stringify(safe);
  return text.length > 1000 ? `${text.slice(0, 997)}...` : text;
}

let agentCommands = 0;

/**
 * The agent acting on a rule from its config: the same gate as any device — classified, audited,
 * a lifeline refused — with the confirmation answered at once, because the owner gave it by
 * writing the rule. Audited as the device `agent` named after the rule.
 */
export async function actAsAgent<S extends ActionSpec>(
  guard: Guard,
  spec: S,
  call: CallOf<S>,
  rule: string,
): Promise<ResultFrame> {
  const device = { id: 'agent', name: rule };
  const hooks: GuardHooks = {
    progress: () => {},
    signal: new AbortController().signal,
    stillAuthorized: () => true,
  };
  const cmd: CommandFrame = {
    t: 'cmd',
    id: `agent-${++agentCommands}`,
    action: spec.name,
    ...(call.target !== undefined ? { target: call.target } : {}),
    ...(call.args !== undefined ? { args: call.args as Record<string, unknown> } : {}),
  };
  const first = await guard.execute(cmd, device, hooks);
  if (first.status !== 'confirm') return first;
  const text = first.confirm.typeToConfirm;
  return guard.execute(
    {
      ...cmd,
      id: `agent-${++agentCommands}`,
      confirm: { challenge: first.confirm.challenge, ...(text ? { text } : {}) },
    },
    device,
    hooks,
  );
}
