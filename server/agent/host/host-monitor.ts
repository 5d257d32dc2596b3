// Composes the host capability's parts from the `host:` config: files under the configured root,
// the judge, and the sampler that runs them; containers' use comes from the containers capability.
import type { ContainerUsage } from '../../../shared/protocol/containers.js';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../log.js';
import { type HostFiles, type HostFilesOptions, hostFiles } from '../host-files.js';
import { type HostConfig, type HostSettings, hostSettings } from './config.js';
import { HostJudge } from './judge.js';
import { type HostSample, HostSampler } from './sampler.js';

export interface HostMonitorOptions {
  config?: HostConfig;
  clock: Clock;
  /** The containers' use as last published (`containers.usage`); none when not given. */
  containers?: () => ContainerUsage[];
  onSample: (sample: HostSample) => void;
  log?: Logger;
  files?: HostFilesOptions;
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
  const files = hostFiles(settings.root, opts.files);
  const sampler = new HostSampler({
    files,
    clock: opts.clock,
    settings,
    judge: new HostJudge(settings.rules),
    ...(opts.containers ? { containers: opts.containers } : {}),
    onSample: opts.onSample,
    ...(opts.log ? { log: opts.log } : {}),
  });
  return { settings, files, sampler, start: () => sampler.start(), stop: () => sampler.stop() };
}
