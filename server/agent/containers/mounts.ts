// A container's mounts as the owner needs them on the worst day: each source, and — when the agent
// shares the engine's filesystem (a local socket) — whether that source exists and is empty. On a
// start that failed for a missing file (exit 126/127/128), the likely cause names the mount: the
// first outage was a bind-mounted folder whose drive was not mounted yet.
import { readdirSync, statSync } from 'node:fs';
import type { ContainerInspectInfo } from 'dockerode';
import { msg } from '../../../shared/messages/say.js';
import type { ContainerMount } from '../../../shared/protocol/containers.js';
import type { MessageRef } from '../../../shared/protocol/message.js';

/** What the agent sees at a path on the engine's host. */
export type Look = (path: string) => ContainerMount['seen'];

/** The agent's own filesystem is the engine's (a local socket). */
export const lookHere: Look = (path) => {
  try {
    if (!statSync(path).isDirectory()) return 'present';
    return readdirSync(path).length === 0 ? 'empty' : 'present';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unseen';
  }
};

/** A remote engine's paths are on another machine. */
export const lookNowhere: Look = () => 'unseen';

export function mountsOf(inspect: ContainerInspectInfo, look: Look): ContainerMount[] {
  const list = Array.isArray(inspect.Mounts) ? inspect.Mounts : [];
  return list.map((m) => ({
    type: String(m.Type ?? 'bind'),
    source: String(m.Source ?? m.Name ?? ''),
    target: String(m.Destination ?? ''),
    readOnly: m.RW === false,
    seen: m.Type === 'bind' && m.Source ? look(m.Source) : 'unseen',
  }));
}

/** The file a failed exec or start names ("stat /app/run.sh: no such file…", exec: "/app/run.sh"). */
export function missingFile(error: string | null, cmd: readonly string[]): string | null {
  const fromError = error?.match(/(?:stat|exec:?)\s+"?(\/[^\s":]+)"?/)?.[1];
  if (fromError) return fromError;
  const first = cmd[0];
  return first?.startsWith('/') ? first : null;
}

/** Why a container that could not run its command likely failed, when a mount explains it. */
export function likelyCause(
  exitCode: number | null,
  error: string | null,
  cmd: readonly string[],
  mounts: readonly ContainerMount[],
): MessageRef | null {
  if (exitCode === null || ![126, 127, 128].includes(exitCode)) return null;
  const file = missingFile(error, cmd);
  const binds = mounts.filter((m) => m.type === 'bind');
  const under = file
    ? binds
        .filter((m) => file === m.target || file.startsWith(`${m.target.replace(/\/$/, '')}/`))
        .sort((a, b) => b.target.length - a.target.length)[0]
    : undefined;
  if (file && under) {
    const p = { file, source: under.source, target: under.target };
    if (under.seen === 'empty') return msg('containers.cause.mount-empty', p);
    if (under.seen === 'missing') return msg('containers.cause.mount-missing', p);
    if (under.seen === 'unseen') return msg('containers.cause.mount-unseen', p);
    return null;
  }
  const empty = binds.find((m) => m.seen === 'empty');
  if (empty) return msg('containers.cause.empty-mount', { source: empty.source, target: empty.target });
  const missing = binds.find((m) => m.seen === 'missing');
  if (missing)
    return msg('containers.cause.missing-mount', { source: missing.source, target: missing.target });
  return null;
}
