// Every sentence the host capability says, in one table: a catalogue key with its English default.
// Placeholders name a param and how to show it: {x:bytes}, {x:rate} (bytes per second),
// {x:duration} (milliseconds), {x:percent}; plain {x} is shown as given.
import type { MessageDescriptor } from '../../../shared/protocol/host.js';

export const HOST_MESSAGES = {
  'host.memoryPressure.alert': 'memory pressure high for {forMs:duration}',
  'host.memoryPressure.clear': 'memory pressure back to normal after {lastedMs:duration}',
  'host.memoryAvailable.alert':
    'memory nearly full for {forMs:duration}: {availableBytes:bytes} of {totalBytes:bytes} left',
  'host.memoryAvailable.clear': 'memory available again: {availableBytes:bytes} of {totalBytes:bytes}',
  'host.swapUsed.alert': 'swap {percent:percent} full for {forMs:duration}',
  'host.swapUsed.clear': 'swap use back to {percent:percent}',
  'host.diskUsed.alert':
    'disk {mount} {percent:percent} full: {availableBytes:bytes} left of {sizeBytes:bytes}',
  'host.diskUsed.alertGrowing':
    'disk {mount} {percent:percent} full: {availableBytes:bytes} left of {sizeBytes:bytes}, filled {growthBytes:bytes} in {windowMs:duration}',
  'host.diskUsed.clear': 'disk {mount} back to {percent:percent} full',
  'host.diskUsed.gone': 'disk {mount} is no longer mounted; its alert is cleared',
  'host.cpuPressure.alert': 'CPU pressure high for {forMs:duration}',
  'host.cpuPressure.clear': 'CPU pressure back to normal after {lastedMs:duration}',
  'host.ioPressure.alert': 'disk I/O stalls high for {forMs:duration}',
  'host.ioPressure.clear': 'disk I/O stalls back to normal after {lastedMs:duration}',
  'host.containerMemory.alert':
    '{name} near its memory limit for {forMs:duration}: {memoryBytes:bytes} of {limitBytes:bytes}',
  'host.containerMemory.alertGrowing':
    '{name} near its memory limit for {forMs:duration}: {memoryBytes:bytes} of {limitBytes:bytes}, grew {growthBytes:bytes} in {windowMs:duration}',
  'host.containerMemory.clear': '{name} back to {memoryBytes:bytes} of its {limitBytes:bytes} memory limit',
  'host.containerMemory.gone': '{name} no longer runs; its memory alert is cleared',
  'host.consumer.memory': '{name} uses {memoryBytes:bytes}',
  'host.consumer.memoryGrowth':
    '{name} uses {memoryBytes:bytes} and grew {growthBytes:bytes} in {windowMs:duration}',
  'host.consumer.cpu': '{name} uses {cpuPercent:percent} CPU',
  'host.consumer.io': '{name} reads {readBytesPerSec:rate} and writes {writeBytesPerSec:rate}',
  'host.memoryLimit.set': '{name} is now limited to {limitBytes:bytes} of memory',
  'host.memoryLimit.tooSmall': 'a memory limit must be at least {minBytes:bytes}',
  'host.memoryLimit.badSwap': 'swap must be a whole number of bytes, 0 or more',
  'host.memoryLimit.notRunning': 'no running container {name}',
  'host.memoryLimit.belowUsage':
    '{name} uses {usageBytes:bytes} now: a limit of {limitBytes:bytes} would have it killed at once; choose at least {usageBytes:bytes} (suggested: {suggestedBytes:bytes})',
  'host.memoryLimit.refused': 'Docker refused the limit for {name}: {reason}',
  'host.memoryLimit.engineDiffers':
    'the engine accepted the limit for {name} but reports {actualBytes:bytes}',
  'host.memoryLimit.kernelDiffers':
    'the engine recorded the limit for {name}, but the kernel enforces {actualBytes:bytes}',
  'host.memoryLimit.kernelNone': 'the engine recorded the limit for {name}, but the kernel enforces none',
  'host.notAvailable': 'not available',
} as const;
export type HostMessageKey = keyof typeof HOST_MESSAGES;

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** Binary units with the short names people use (`docker run -m 512m` shows as 512 MB). */
export function formatBytes(n: number): string {
  const sign = n < 0 ? '-' : '';
  let x = Math.abs(n);
  let u = 0;
  while (x >= 1024 && u < UNITS.length - 1) {
    x /= 1024;
    u++;
  }
  const digits = u === 0 || x >= 100 ? 0 : 1;
  return `${sign}${Number(x.toFixed(digits))} ${UNITS[u]}`;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
}

export function formatPercent(p: number): string {
  return `${Number(p.toFixed(p < 10 ? 1 : 0))}%`;
}

export function message(key: HostMessageKey, params: MessageDescriptor['params']): MessageDescriptor {
  return { key, params };
}

/** The English default of a descriptor. */
export function render(d: MessageDescriptor): string {
  const template = (HOST_MESSAGES as Record<string, string>)[d.key] ?? d.key;
  return template.replace(/\{(\w+)(?::(\w+))?\}/g, (whole, name: string, kind?: string) => {
    const x = d.params[name];
    if (x === undefined) return whole;
    if (typeof x === 'string' || kind === undefined) return String(x);
    switch (kind) {
      case 'bytes':
        return formatBytes(x);
      case 'rate':
        return `${formatBytes(x)}/s`;
      case 'duration':
        return formatDuration(x);
      case 'percent':
        return formatPercent(x);
      default:
        return String(x);
    }
  });
}

/** "memory pressure high for 2 min: clickhouse uses 9.8 GB and grew 1.2 GB in 10 min; redis uses 1 GB" */
export function renderWithConsumers(main: MessageDescriptor, consumers: MessageDescriptor[]): string {
  const head = render(main);
  return consumers.length === 0 ? head : `${head}: ${consumers.map(render).join('; ')}`;
}
