// What a capability registers with the guard: an action's name, its argument schema, how the
// guard must classify it for a given target (allow / confirm / refuse) and how to run it.
import type { z } from 'zod';
import type { ErrorCode } from '../../shared/protocol/errors.js';

export interface Requester {
  id: string;
  name: string;
}

export interface ActionRequest<A> {
  device: Requester;
  target: string | undefined;
  args: A;
}

export type Classification =
  | { decision: 'allow' }
  | {
      decision: 'confirm';
      /** One line naming what will happen ("Switch off Network cabinet"). */
      title: string;
      /** What the user loses meanwhile; for a lifeline, what becomes unreachable. */
      consequences: string[];
      /** The user must type this exactly (a lifeline plug's name). */
      typeToConfirm?: string;
    }
  | { decision: 'refuse'; code?: ErrorCode; message: string; params?: Record<string, string | number> };

export interface ActionContext {
  /** Live progress for long actions (a wake waiting for the host to answer). */
  progress(stage: string, message?: string, data?: Record<string, unknown>): void;
  signal: AbortSignal;
}

export interface ActionDefinition<A = Record<string, unknown>> {
  name: string;
  /** Argument schema; the guard refuses anything that does not match. */
  args?: z.ZodType<A>;
  /** Whether a target id is required. */
  target: 'required' | 'none';
  /** Pure reads of the agent's own records are not audited (they would audit the audit log). */
  query?: boolean;
  /** Argument keys whose values never reach the audit log (passwords, codes). */
  secretArgs?: readonly string[];
  classify(req: ActionRequest<A>): Classification | Promise<Classification>;
  run(req: ActionRequest<A>, ctx: ActionContext): Promise<unknown>;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds actions of every argument type
export type AnyAction = ActionDefinition<any>;

export class ActionRegistry {
  private readonly actions = new Map<string, AnyAction>();

  register(...defs: AnyAction[]): void {
    for (const def of defs) {
      if (this.actions.has(def.name)) throw new Error(`action ${def.name} registered twice`);
      this.actions.set(def.name, def);
    }
  }

  get(name: string): AnyAction | undefined {
    return this.actions.get(name);
  }

  names(): string[] {
    return [...this.actions.keys()].sort();
  }
}
