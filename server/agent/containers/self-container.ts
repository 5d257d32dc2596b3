// Which container, if any, runs this agent. Stopping it would cut every way in, so it is treated as
// a lifeline even when the config does not say so. Docker bind-mounts the container's own hostname,
// hosts and resolv.conf files from `<data-root>/containers/<id>/`, which shows in mountinfo on
// cgroup v1 and v2 alike; the cgroup path is a second witness.
import { readFileSync } from 'node:fs';

const FROM_MOUNTS = /\/containers\/([0-9a-f]{64})\/(?:hostname|hosts|resolv\.conf)\b/g;
const FROM_CGROUP = /(?:\/docker[-/]|docker-)([0-9a-f]{64})(?:\.scope)?\b/g;

export function selfContainerIds(read: (file: string) => string = (f) => readFileSync(f, 'utf8')): string[] {
  const ids = new Set<string>();
  for (const [file, pattern] of [
    ['/proc/self/mountinfo', FROM_MOUNTS],
    ['/proc/self/cgroup', FROM_CGROUP],
  ] as const) {
    let text = '';
    try {
      text = read(file);
    } catch {
      continue;
    }
    for (const m of text.matchAll(pattern)) ids.add(m[1]!);
  }
  return [...ids];
}
