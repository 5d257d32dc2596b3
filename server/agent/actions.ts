// How the agent implements an action of the shared vocabulary (shared/protocol/<capability>.ts):
// `defineAction(Spec, { classify, run })`. The spec brings the name, target rule and argument
// schema; the capability brings how the guard must classify a request (allow / confirm / refuse)
// and how to run it.
import type { ActionSpec, ArgsOf, ResultIn } from '../../shared/protocol/action.js';
import type { ErrorCode } from '../../shared/protocol/errors.js';
import type { Text } from '../../shared/protocol/message.js';

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
      /** One line naming what will happen ("Switch off Network cabinet"): `msg(key, params)`. */
      title: Text;
      /** What the user loses meanwhile; for a lifeline, what becomes unreachable. */
      consequences: readonly Text[];
      /** The user must type this exactly (a lifeline plug's name). */
      typeToConfirm?: string;
    }
  | {
      decision: 'refuse';
      code?: ErrorCode;
      /** Why, as `msg(key, params)` (English-only text from older code still works). */
      message: Text;
      params?: Record<string, string | number>;
    };

export interface ActionContext {
  /** Live progress for long actions (a wake waiting for the host to answer). */
  progress(stage: string, message?: Text, data?: Record<string, unknown>): void;
  signal: AbortSignal;
}

export interface ActionImpl<S extends ActionSpec> {
  classify(req: ActionRequest<ArgsOf<S>>): Classification | Promise<Classification>;
  run(req: ActionRequest<ArgsOf<S>>, ctx: ActionContext): Promise<ResultIn<S>>;
}

export interface ActionDefinition<S extends ActionSpec = ActionSpec> extends ActionImpl<S> {
  readonly spec: S;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds actions of every argument type
export type AnyAction = ActionDefinition<any>;

export function defineAction<S extends ActionSpec>(spec: S, impl: ActionImpl<S>): ActionDefinition<S> {
  return { spec, classify: impl.classify, run: impl.run };
}

export class ActionRegistry {
  private readonly actions = new Map<string, AnyAction>();

  register(...defs: AnyAction[]): void {
    for (const def of defs)
      for (const name of [def.spec.name, ...(def.spec.aliases ?? [])]) {
        if (this.actions.has(name)) throw new Error(`action ${name} registered twice`);
        this.actions.set(name, def);
      }
  }

  /** The action by its name, or by a name it had before (older apps still send those). */
  get(name: string): AnyAction | undefined {
    return this.actions.get(name);
  }

  names(): string[] {
    return [...new Set([...this.actions.values()].map((a) => a.spec.name))].sort();
  }
}
