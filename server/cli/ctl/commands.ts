// Where ctl's subcommands are registered: the core set here, one register function per capability.
import type { Command } from 'commander';
import { registerContainers } from '../../agent/containers/ctl.js';
import { registerContainersUsage } from '../../agent/containers/ctl-usage.js';
import { registerHost } from '../../agent/host/ctl.js';
import { registerMachines } from '../../agent/machines/ctl.js';
import { registerNetwork } from '../../agent/network/ctl.js';
import { registerPower } from '../../agent/power/ctl.js';
import { registerUps } from '../../agent/ups/ctl.js';
import { ctlAddDevice, ctlDevices, ctlLog, ctlPair, ctlRename, ctlRevoke, ctlStatus } from './core.js';
import type { CtlGlobalOptions } from './session.js';

/** Adds subcommands to `lifeline ctl`; `g()` reads the global ctl options (--profile, --url, --json). */
export type CtlRegistrar = (ctl: Command, g: () => CtlGlobalOptions) => void;

function registerCore(ctl: Command, g: () => CtlGlobalOptions): void {
  ctl
    .command('pair <link>')
    .description('pair this terminal using a link from `lifeline pair`')
    .option('--name <name>', 'how this device is listed')
    .action((link: string, o: { name?: string }) => ctlPair(link, { ...g(), ...o }));
  ctl
    .command('status')
    .description("the agent's facts: version, uptime, host boot, connection path")
    .option('--json', 'machine-readable output')
    .action((o: { json?: boolean }) => ctlStatus({ ...g(), ...o }));
  ctl
    .command('devices')
    .description('list paired devices')
    .option('--json', 'machine-readable output')
    .action((o: { json?: boolean }) => ctlDevices({ ...g(), ...o }));
  ctl
    .command('revoke <device>')
    .description('revoke a paired device (id or prefix); its sessions end at once')
    .option('-y, --yes', 'answer the confirmation')
    .option('--confirm-text <name>', "the device's name, typed to confirm")
    .option('--json', 'machine-readable output')
    .action((device: string, o: { yes?: boolean; confirmText?: string; json?: boolean }) =>
      ctlRevoke(device, { ...g(), ...o }),
    );
  ctl
    .command('rename <device> <name>')
    .description('rename a paired device')
    .action((device: string, name: string) => ctlRename(device, name, g()));
  ctl
    .command('add-device')
    .description('make a pairing link for another device')
    .option('-y, --yes', 'answer the confirmation')
    .option('--confirm-text <home>', "the home's name, typed to confirm")
    .option('--json', 'machine-readable output')
    .action((o: { yes?: boolean; confirmText?: string; json?: boolean }) => ctlAddDevice({ ...g(), ...o }));
  ctl
    .command('log')
    .description('the activity timeline: commands and events')
    .option('-n, --limit <n>', 'how many entries', '50')
    .option('--json', 'machine-readable output')
    .action((o: { limit?: string; json?: boolean }) => ctlLog({ ...g(), ...o }));
}

export const CTL_COMMANDS: readonly CtlRegistrar[] = [
  registerCore,
  registerMachines,
  registerContainers,
  registerPower,
  registerNetwork,
  registerHost,
  registerContainersUsage,
  registerUps,
];
