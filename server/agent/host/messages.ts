// Every sentence the host capability says, in one table: a catalogue key with its English default.
// Placeholders name a param and how to show it: {x:bytes}, {x:rate} (bytes per second),
// {x:duration} (milliseconds), {x:percent}; plain {x} is shown as given.
import { fillTemplate, formatBytes, formatDuration, formatPercent } from '../../../shared/format.js';
import type { MessageDescriptor } from '../../../shared/protocol/message.js';

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
  'host.notAvailable': 'not available',
} as const;
export type HostMessageKey = keyof typeof HOST_MESSAGES;

export { formatBytes, formatDuration, formatPercent };

export function message(key: HostMessageKey, params: MessageDescriptor['params']): MessageDescriptor {
  return { key, params };
}

/** The English default of a descriptor. */
export function render(d: MessageDescriptor): string {
  return fillTemplate((HOST_MESSAGES as Record<string, string>)[d.key] ?? d.key, d.params);
}

/** "memory pressure high for 2 min: clickhouse uses 9.8 GB and grew 1.2 GB in 10 min; redis uses 1 GB" */
export function renderWithConsumers(main: MessageDescriptor, consumers: MessageDescriptor[]): string {
  const head = render(main);
  return consumers.length === 0 ? head : `${head}: ${consumers.map(render).join('; ')}`;
}
