// What an action is on the wire: its name, whether it takes a target, the schema of its arguments
// and, where a client reads it, of its result. Both sides import the same spec: the agent
// implements it (server/agent/actions.ts `defineAction`), the PWA and ctl call it with `run(Spec, …)`,
// so a name or an argument cannot drift between them.
import * as v from 'valibot';

type AnySchema = v.GenericSchema<unknown, unknown>;

export interface ActionSpec<
  Name extends string = string,
  Args extends AnySchema = AnySchema,
  Result extends AnySchema | undefined = AnySchema | undefined,
  Target extends 'required' | 'none' = 'required' | 'none',
> {
  readonly name: Name;
  /** Whether the request names a target (a plug id, `engine/container`, a host id). */
  readonly target: Target;
  readonly args: Args;
  /** The result's shape, where a client reads it; the client validates it before use. */
  readonly result?: Result;
  /** Names this action had before (older apps still send them); the agent treats them as this one. */
  readonly aliases?: readonly string[];
  /** Pure reads of the agent's own records are not audited (they would audit the audit log). */
  readonly query?: boolean;
  /** A read that is still audited (a container's logs): Activity keeps it out of its main view. */
  readonly read?: boolean;
  /** Argument keys whose values never reach the audit log (passwords, codes). */
  readonly secretArgs?: readonly string[];
}

/** Declares an action spec, keeping its literal name and schemas in the type. */
export function action<
  const Name extends string,
  Args extends AnySchema,
  const Target extends 'required' | 'none',
  Result extends AnySchema | undefined = undefined,
>(spec: ActionSpec<Name, Args, Result, Target>): ActionSpec<Name, Args, Result, Target> {
  return spec;
}

/** Arguments as a caller writes them (defaults may be left out). */
export type ArgsIn<S extends ActionSpec> = v.InferInput<S['args']>;
/** Arguments as the agent receives them, validated and with defaults filled in. */
export type ArgsOf<S extends ActionSpec> = v.InferOutput<S['args']>;
type ResultSchema<S extends ActionSpec> = Exclude<S['result'], undefined>;
/** The result a client gets back: typed when the spec declares it. */
export type ResultOf<S extends ActionSpec> = [ResultSchema<S>] extends [never]
  ? unknown
  : v.InferOutput<ResultSchema<S>>;
/** The result as the agent builds it (before the client's validation). */
export type ResultIn<S extends ActionSpec> = [ResultSchema<S>] extends [never]
  ? unknown
  : v.InferInput<ResultSchema<S>>;

/** A call as the PWA and ctl make it: the target when the spec takes one, and the arguments. */
export type CallOf<S extends ActionSpec> = S['target'] extends 'required'
  ? { target: string; args?: ArgsIn<S> }
  : { target?: undefined; args?: ArgsIn<S> };

/** No arguments: `{}` and nothing else. */
export const NoArgs = v.strictObject({});
