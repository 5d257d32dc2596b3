// Composes the host capability's parts from the `host:` config: files under the configured root,
// the container meter over the engine the agent plugs in, the judge, and the sampler that runs them.
import type { ContainerFix } from '../../../shared/protocol/host.js';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../log.js';
import { type HostConfig, type HostSettings, hostSettings } from './config.js';
import { ContainerMeter } from './container-meter.js';
import type { HostDockerApi } from './docker-access.js';
import { type HostFiles, hostFiles } from './host-files.js';
import { HostJudge } from './judge.js';
import { type HostSample, HostSampler } from './sampler.js';

export interface HostMonitorOptions {
  config?: HostConfig;
  clock: Clock;
  /** The engine whose containers are measured; null when the agent has none. */
  docker?: HostDockerApi | null;
  /** The fixes Home may offer per container (e.g. none that the guard would refuse). */
  fixesFor?: (containerId: string, name: string) => ContainerFix[];
  onSample: (sample: HostSample) => void;
  log?: Logger;
}

export interface HostMonitor {
  settings: HostSettings;
  files: HostFiles;
  sampler: HostSampler;
  start(): void;
  stop(): void;
}

export function createHostMonitor(opts: HostMonitorOptions): HostMonitor {
  const settings = hostSettings(opts.config);
  const files = hostFiles(settings.root);
  const meter =
    opts.docker && settings.containers
      ? new ContainerMeter({
          files,
          api: opts.docker,
          now: () => opts.clock.now(),
          max: settings.containers.max,
          statsPerTick: settings.containers.statsPerTick,
        })
      : null;
  const sampler = new HostSampler({
    files,
    clock: opts.clock,
    settings,
    meter,
    judge: new HostJudge(settings.rules),
    ...(opts.fixesFor ? { fixesFor: opts.fixesFor } : {}),
    onSample: opts.onSample,
    ...(opts.log ? { log: opts.log } : {}),
  });
  return { settings, files, sampler, start: () => sampler.start(), stop: () => sampler.stop() };
}
