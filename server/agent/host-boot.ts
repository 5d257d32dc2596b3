// When the host booted, from the kernel's uptime. The agent core computes it once and hands it to
// every capability in the AgentContext: status publishes it, containers tells boot races by it.
import os from 'node:os';

export function hostBootTime(now: number, uptimeSeconds: number = os.uptime()): number {
  return Math.round((now - uptimeSeconds * 1000) / 1000) * 1000;
}
