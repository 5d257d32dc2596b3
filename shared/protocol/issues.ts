// The one way a schema failure on the wire is told: where (a dotted path) and what was wrong.
// Frames, command arguments and results all use it, so a client sees the same kind of sentence.
import * as v from 'valibot';

export function describeIssues(issues: readonly v.BaseIssue<unknown>[], whole: string): string {
  const issue = issues[0];
  if (!issue) return `${whole}: invalid`;
  return `${v.getDotPath(issue) ?? whole}: ${issue.message}`;
}
