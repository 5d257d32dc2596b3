// What Home lists first: each capability's problems (from its entities), most serious first, each
// with the one tap that fixes it. The fix is an ordinary action, so it goes through the guard (and
// its confirm sheet) like any other tap; a fix the guard would refuse says why instead.
import type { ComponentChild } from 'preact';
import type { CommandOutcome } from '../../../shared/client/agent-client.js';
import type { EntityTable } from '../../../shared/protocol/vocabulary.js';

export type ProblemSeverity = 'critical' | 'warning';

export interface ProblemFix {
  /** The button's words ("Start", "Wake"), translated. */
  label: string;
  run: () => Promise<CommandOutcome<unknown>>;
  /** Why the fix cannot be tapped (the guard would refuse it), translated; the button is disabled. */
  disabled?: string;
}

export interface Problem {
  /** Stable across renders: `<capability>:<entity id>:<what>`. */
  id: string;
  severity: ProblemSeverity;
  /** One line: what is wrong, translated, names marked as data. */
  title: ComponentChild;
  /** Why, or what Lifeline is doing about it. */
  detail?: ComponentChild;
  /** Where the details are (a screen of the app), when not on Home itself. */
  href?: string;
  fix?: ProblemFix;
  /** Nothing to fix, only to know (a power cut that is over): the owner can put it away. */
  dismissible?: boolean;
}

/** What a capability contributes to Home's summary, from the state as last known. */
export type ProblemSource = (entities: EntityTable, now: number) => Problem[];

const RANK: Record<ProblemSeverity, number> = { critical: 0, warning: 1 };

export function sortProblems(list: Problem[]): Problem[] {
  return [...list].sort((a, b) => RANK[a.severity] - RANK[b.severity]);
}
