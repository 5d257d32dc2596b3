// The one gate every command passes, whatever path it came by (PWA, ctl, notification action,
// crafted frame). It classifies, runs the two-phase confirmation, and writes the audit entry
// durably before any result leaves the agent (SPEC §4, §5).

import * as v from 'valibot';
import { randomBytes, toBase64Url } from '../../shared/bytes.js';
import { english, msg, refOf } from '../../shared/messages/say.js';
import type { ActionSpec, CallOf } from '../../shared/protocol/action.js';
import { type ErrorInfo, LifelineError, toErrorInfo } from '../../shared/protocol/errors.js';
import {
  CHALLENGE_TTL_MS,
  type CommandFrame,
  type Confirmation,
  type ResultFrame,
  sameName,
} from '../../shared/protocol/frames.js';
import { describeIssues } from '../../shared/protocol/issues.js';
import type { MessageRef, Text } from '../../shared/protocol/message.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { describeError } from '../log.js';
import type { AgentMetrics } from '../metrics.js';
import type { AuditDecision, AuditRepo } from '../store/audit-repo.js';
import type { ActionRegistry, ActionRequest, Classification, Requester } from './actions.js';
import type { PasskeyGate } from './passkeys/passkeys.js';
import { stableJson } from './state.js';

const MAX_OPEN_CHALLENGES_PER_DEVICE = 16;

interface Challenge {
  deviceId: string;
  binding: string;
  expiresAt: number;
  typeToConfirm: string | undefined;
  /** The audit row of the request that asked for it, resolved when it is redeemed or expires. */
  auditId: number | undefined;
  /** The answer must carry a passkey assertion over this challenge (the owner's choice). */
  passkey?: boolean;
}

/** An error the guard itself words: English text beside its catalogue message. */
function said(code: ErrorInfo['code'], text: Text, params?: Record<string, string | number>): ErrorInfo {
  const ref = refOf(text);
  return { code, message: english(text), ...(params ? { params } : {}), ...(ref ? { msg: ref } : {}) };
}

export interface GuardHooks {
  progress(stage: string, message?: Text, data?: Record<string, unknown>): void;
  signal: AbortSignal;
  /** Re-checked just before running: a device revoked meanwhile gets nothing executed. */
  stillAuthorized(): boolean;
}

export class Guard {
  private readonly challenges = new Map<string, Challenge>();
  private passkeys: PasskeyGate | undefined;

  constructor(
    private readonly registry: ActionRegistry,
    private readonly audit: AuditRepo,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly metrics?: AgentMetrics,
  ) {}

  /** Fresh passkey checks where the owner requires them (passkeys/passkeys.ts). */
  usePasskeys(gate: PasskeyGate): void {
    this.passkeys = gate;
  }

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
        ...(error?.msg ? { msg: error.msg } : {}),
      });
    const refuse = (error: ErrorInfo): ResultFrame => {
      this.metrics?.refusals.inc({ action: action ? name : 'unknown', code: error.code });
      this.metrics?.commands.inc({ action: action ? name : 'unknown', outcome: 'refused' });
      if (!action?.spec.query) record('refused', 'refused', error);
      return result(error);
    };

    this.sweep();
    if (!action)
      return refuse(said('unknown-action', msg('guard.unknown-action', { action: cmd.action.slice(0, 64) })));
    const { spec } = action;
    if (spec.target === 'required' && !cmd.target)
      return refuse(said('bad-args', msg('guard.target-needed')));
    if (spec.target === 'none' && cmd.target) return refuse(said('bad-args', msg('guard.target-unwanted')));
    const parsed = v.safeParse(spec.args, cmd.args ?? {});
    if (!parsed.success)
      return refuse(
        said('bad-args', msg('guard.bad-args', { detail: describeIssues(parsed.issues, 'args') })),
      );
    const req: ActionRequest<unknown> = { device, target: cmd.target, args: parsed.output };

    let classification: Classification;
    try {
      classification = await action.classify(req);
    } catch (err) {
      return refuse(
        err instanceof LifelineError ? err.toInfo() : said('internal', msg('guard.classify-failed')),
      );
    }
    if (classification.decision === 'refuse')
      return refuse(said(classification.code ?? 'refused', classification.message, classification.params));

    let decision: AuditDecision = 'allowed';
    if (classification.decision === 'confirm') {
      const binding = stableJson({ action: name, target: cmd.target ?? null, args: cmd.args ?? {} });
      const passkey = this.passkeys?.need(name, classification, device) ?? null;
      if (passkey && 'code' in passkey) return refuse(passkey);
      if (!cmd.confirm) {
        const auditId = record('confirm-required', 'pending');
        const confirm = this.issueChallenge(device.id, binding, classification, auditId);
        if (passkey) {
          this.challenges.get(confirm.challenge)!.passkey = true;
          confirm.passkey = passkey;
        }
        this.metrics?.commands.inc({ action: name, outcome: 'confirm-required' });
        return { t: 'result', id: cmd.id, status: 'confirm', confirm };
      }
      const asked = this.challenges.get(cmd.confirm.challenge);
      if (asked?.passkey && asked.deviceId === device.id && asked.binding === binding) {
        // A failed check (a prompt dismissed, no fingerprint read) leaves the request open: the
        // device may try again or cancel until it expires. An assertion cannot be forged by trying.
        const failed = await this.passkeys!.verify(device.id, cmd.confirm.challenge, cmd.confirm.passkey);
        if (failed) return refuse(failed);
      }
      const problem = this.redeemChallenge(cmd.confirm, device.id, binding);
      if (problem) return refuse(problem);
      decision = 'confirmed';
    } else if (cmd.confirm) {
      // A confirmation for something that needs none is consumed anyway: challenges stay single-use.
      this.challenges.delete(cmd.confirm.challenge);
    }

    if (!hooks.stillAuthorized()) return refuse(said('refused', msg('guard.revoked')));

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
        this.audit.finish(auditId, 'error', this.clock.now(), info.code, info.message, info.msg);
      this.metrics?.commands.inc({ action: name, outcome: 'error' });
      return result(info);
    }
  }

  /**
   * The device that asked says no: its challenge is dropped, so nothing can confirm it any more,
   * and the request is audited as cancelled. Only a pending challenge of that same device; any
   * other (unknown, used, expired, another device's) changes nothing and is answered as such.
   * A cancel never runs anything.
   */
  cancel(challenge: string, deviceId: string): ErrorInfo | undefined {
    this.sweep();
    const ch = this.challenges.get(challenge);
    // Another device's challenge is "unknown" to this one: its existence is not this device's business.
    if (!ch || ch.deviceId !== deviceId) return said('challenge-invalid', msg('guard.cancel-unknown'));
    const now = this.clock.now();
    if (ch.expiresAt <= now) return said('challenge-expired', msg('guard.cancel-expired'));
    this.challenges.delete(challenge);
    if (ch.auditId !== undefined) this.audit.resolve(ch.auditId, 'cancelled', now);
    return undefined;
  }

  /** Drops every open challenge of a device (revocation). */
  forgetDevice(deviceId: string): void {
    for (const [key, c] of this.challenges) if (c.deviceId === deviceId) this.challenges.delete(key);
  }

  /**
   * Challenges that ran out unanswered: their requests are marked expired at once; each is kept one
   * more period so a late answer hears "expired" rather than "unknown".
   */
  private sweep(): void {
    const now = this.clock.now();
    for (const [key, ch] of this.challenges) {
      if (ch.expiresAt > now) continue;
      if (ch.auditId !== undefined) this.audit.resolve(ch.auditId, 'expired', now);
      ch.auditId = undefined;
      if (ch.expiresAt + CHALLENGE_TTL_MS <= now) this.challenges.delete(key);
    }
  }

  private issueChallenge(
    deviceId: string,
    binding: string,
    c: Extract<Classification, { decision: 'confirm' }>,
    auditId: number | undefined,
  ): Confirmation {
    const now = this.clock.now();
    const open = [...this.challenges].filter(([, ch]) => ch.deviceId === deviceId && ch.expiresAt > now);
    if (open.length >= MAX_OPEN_CHALLENGES_PER_DEVICE) {
      const [key, oldest] = open[0]!;
      this.challenges.delete(key);
      if (oldest.auditId !== undefined) this.audit.resolve(oldest.auditId, 'expired', now);
    }
    const challenge = toBase64Url(randomBytes(18));
    const expiresAt = now + CHALLENGE_TTL_MS;
    this.challenges.set(challenge, { deviceId, binding, expiresAt, typeToConfirm: c.typeToConfirm, auditId });
    const titleMsg = refOf(c.title);
    const consequencesMsg = c.consequences.map(refOf);
    return {
      challenge,
      expiresAt,
      title: english(c.title),
      consequences: c.consequences.map(english),
      ...(c.typeToConfirm ? { typeToConfirm: c.typeToConfirm } : {}),
      ...(titleMsg ? { titleMsg } : {}),
      ...(consequencesMsg.every((m) => m !== undefined)
        ? { consequencesMsg: consequencesMsg as MessageRef[] }
        : {}),
    };
  }

  /**
   * Confirms with the challenge, which can then never be used again; an expired one is consumed
   * too. A wrong typed name consumes nothing: the name is no secret (the request shows it), so a
   * typo may be corrected, and the request ends as confirmed, cancelled or expired, never left
   * waiting in the audit log for good.
   */
  private redeemChallenge(
    confirm: NonNullable<CommandFrame['confirm']>,
    deviceId: string,
    binding: string,
  ): ErrorInfo | undefined {
    const ch = this.challenges.get(confirm.challenge);
    if (!ch || ch.deviceId !== deviceId || ch.binding !== binding)
      return said('challenge-invalid', msg('guard.challenge-invalid'));
    const now = this.clock.now();
    if (ch.expiresAt <= now) {
      this.challenges.delete(confirm.challenge);
      if (ch.auditId !== undefined) this.audit.resolve(ch.auditId, 'expired', now);
      return said('challenge-expired', msg('guard.challenge-expired', { seconds: CHALLENGE_TTL_MS / 1000 }));
    }
    // The name, not its letter case: a phone's keyboard capitalises the first letter on its own.
    if (ch.typeToConfirm !== undefined && !sameName(confirm.text, ch.typeToConfirm))
      return said(
        'confirm-text-mismatch',
        msg('guard.confirm-text-mismatch', { expected: ch.typeToConfirm }),
        {
          expected: ch.typeToConfirm,
        },
      );
    this.challenges.delete(confirm.challenge);
    if (ch.auditId !== undefined) this.audit.resolve(ch.auditId, 'confirmed', now);
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
