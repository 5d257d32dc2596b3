// MAC sanity beyond syntax: the first outage's desktop would not wake because its recorded MAC
// belonged to a virtual NIC. Flag virtual-NIC prefixes and locally administered MACs, and compare
// the configured MAC with what the neighbour (ARP) table has seen at the host's address.
import type { HostNotice } from '../../../shared/protocol/vocabulary.js';

/** Prefixes of virtual network cards; a sleeping machine is only ever woken through a physical one. */
export const VIRTUAL_NIC_PREFIXES: readonly { prefix: string; vendor: string }[] = [
  { prefix: '02:42', vendor: 'Docker' },
  { prefix: '52:54:00', vendor: 'QEMU/KVM' },
  { prefix: '00:50:56', vendor: 'VMware' },
  { prefix: '00:0c:29', vendor: 'VMware' },
  { prefix: '00:05:69', vendor: 'VMware' },
  { prefix: '00:1c:14', vendor: 'VMware' },
  { prefix: '00:15:5d', vendor: 'Hyper-V' },
  { prefix: '08:00:27', vendor: 'VirtualBox' },
  { prefix: '0a:00:27', vendor: 'VirtualBox' },
  { prefix: '00:16:3e', vendor: 'Xen' },
  { prefix: '00:1c:42', vendor: 'Parallels' },
  { prefix: 'bc:24:11', vendor: 'Proxmox' },
];

export function normaliseMac(mac: string): string {
  return mac.toLowerCase().replaceAll('-', ':');
}

export function virtualNicVendor(mac: string): string | undefined {
  const m = normaliseMac(mac);
  return VIRTUAL_NIC_PREFIXES.find((p) => m.startsWith(p.prefix))?.vendor;
}

/** The U/L bit: set by software (VMs, containers, bridges, randomised Wi-Fi), never burned into a card. */
export function isLocallyAdministered(mac: string): boolean {
  return (Number.parseInt(normaliseMac(mac).slice(0, 2), 16) & 0x02) !== 0;
}

/** Warnings about the configured MAC itself; the most specific one only. */
export function macWarnings(mac: string): HostNotice[] {
  const vendor = virtualNicVendor(mac);
  if (vendor)
    return [
      {
        code: 'virtual-nic',
        message: `${mac} belongs to a ${vendor} virtual network card; a sleeping machine is woken through its physical card's MAC`,
        params: { mac, vendor },
      },
    ];
  if (isLocallyAdministered(mac))
    return [
      {
        code: 'locally-administered',
        message: `${mac} is locally administered (set by software: a VM, container, bridge or randomised Wi-Fi address), not a card's own MAC`,
        params: { mac },
      },
    ];
  return [];
}

export interface SeenMac {
  mac: string;
  address: string;
  at: number;
}

/** The address answers (or last answered) with another MAC: offer the seen one. */
export function mismatchWarning(mac: string, seen: SeenMac | null): HostNotice | undefined {
  if (!seen || normaliseMac(seen.mac) === normaliseMac(mac)) return undefined;
  return {
    code: 'neighbour-mismatch',
    message: `${seen.address} was seen with MAC ${seen.mac}, not ${mac}; if that is this machine, set mac: "${seen.mac}"`,
    params: { address: seen.address, seenMac: seen.mac, mac, at: seen.at },
  };
}
