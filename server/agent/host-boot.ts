// When the host booted, from the kernel's uptime. The agent core computes it once and hands it to
// every capability in the AgentContext: status publishes it, containers tells boot races by it.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function hostBootTime(now: number, uptimeSeconds: number = os.uptime()): number {
  return Math.round((now - uptimeSeconds * 1000) / 1000) * 1000;
}

/**
 * The kernel's boot id: a new random one at every boot, so a different id than at the last start
 * means the host itself went down. It is not namespaced: a container sees the host's.
 */
export function hostBootId(root = '/'): string | null {
  for (const base of root === '/' ? ['/'] : [root, '/'])
    try {
      const id = readFileSync(path.join(base, 'proc/sys/kernel/random/boot_id'), 'utf8').trim();
      if (/^[0-9a-f-]{36}$/.test(id)) return id;
    } catch {}
  return null;
}
