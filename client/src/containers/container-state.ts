// How a container's state reads on a screen: its colour, its state word, and since when.
import type { ContainerInfo } from '../../../shared/protocol/containers.js';
import { formatAgo, formatDuration, t, tMaybe } from '../i18n/index.js';

/** Red: dead or failed; amber: restarting, unhealthy, looping; green: running; grey: stopped cleanly. */
export function tone(c: ContainerInfo): 'ok' | 'warn' | 'bad' | 'idle' {
  if (c.looping || c.state === 'restarting' || c.state === 'paused' || c.health === 'unhealthy')
    return 'warn';
  if (c.state === 'running') return 'ok';
  if (c.state === 'dead' || c.error || (c.exitCode !== null && c.exitCode !== 0)) return 'bad';
  return 'idle';
}

export function stateLabel(c: ContainerInfo): string {
  return tMaybe(`containers.state.${c.state}`, c.state);
}

export function when(c: ContainerInfo, at: number): string {
  if (c.state === 'running' && c.startedAt)
    return t('containers.up', { duration: formatDuration(at - c.startedAt) });
  if (c.finishedAt) return t('containers.stoppedAgo', { ago: formatAgo(c.finishedAt, at) });
  return t('containers.neverStarted');
}
