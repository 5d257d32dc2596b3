// Tasmota's command language, shared by the HTTP and MQTT drivers: which relay a channel is,
// how a reply names it, and the cycle as Tasmota runs it on the device.

/** Channel 0 is Power1. */
export const powerIndex = (channel: number | undefined) => (channel ?? 0) + 1;

/** `{"POWER":"ON"}` on single-relay devices, `{"POWER2":"OFF"}` on multi-relay ones. */
export function powerFrom(reply: Record<string, unknown>, index: number): boolean | undefined {
  const value = reply[`POWER${index}`] ?? (index === 1 ? reply.POWER : undefined);
  if (value === 'ON') return true;
  if (value === 'OFF') return false;
  return undefined;
}

/** `Delay` counts tenths of a second, at most 3600 (6 min); longer off times chain several. */
export function backlogCycle(index: number, seconds: number): string {
  const delays: string[] = [];
  for (let left = Math.round(seconds * 10); left > 0; left -= 3600)
    delays.push(`Delay ${Math.min(3600, left)}`);
  return `Backlog Power${index} OFF; ${delays.join('; ')}; Power${index} ON`;
}

/** TimedPower (13.3.0.3+) answers only after storing its timer, so its reply is the proof. */
export function supportsTimedPower(version: string | undefined): boolean {
  const m = version?.match(/^(\d+)\.(\d+)\.(\d+)(?:\.(\d+))?/);
  if (!m) return false;
  const [a, b, c, d] = [m[1], m[2], m[3], m[4] ?? '0'].map(Number) as [number, number, number, number];
  return a > 13 || (a === 13 && (b > 3 || (b === 3 && (c > 0 || d >= 3))));
}

export const timedPowerCycle = (index: number, seconds: number) =>
  `TimedPower${index} ${Math.round(seconds * 1000)},off`;

export function energyWatts(sns: unknown): number | undefined {
  const energy = (sns as { ENERGY?: { Power?: unknown } } | undefined)?.ENERGY;
  const p = energy?.Power;
  if (typeof p === 'number' && Number.isFinite(p)) return p;
  if (Array.isArray(p) && typeof p[0] === 'number') return p[0];
  return undefined;
}
