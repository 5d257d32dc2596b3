// Why a wake got no answer, most specific first: the wrong-MAC trap, a broadcast that cannot
// reach the machine, sends that failed, a probe the machine may ignore, then the settings that
// must be right on the machine itself.
import type { HostNotice, WakeTarget } from '../../../shared/protocol/vocabulary.js';
import type { HostRecord } from './host-record.js';
import { macWarnings, mismatchWarning } from './mac-checks.js';
import type { Ipv4Network } from './networks.js';
import { routeWarning } from './targets.js';

export function likelyCauses(
  host: HostRecord,
  wokenMac: string,
  sentTo: readonly WakeTarget[],
  nets: readonly Ipv4Network[],
): HostNotice[] {
  const causes: HostNotice[] = [...macWarnings(wokenMac)];
  const mismatch = mismatchWarning(wokenMac, host.seen);
  if (mismatch) causes.push(mismatch);
  const route = routeWarning(
    { broadcast: host.config.broadcast, address: host.ip ?? host.config.address ?? null },
    nets,
  );
  if (route) causes.push(route);
  for (const t of sentTo.filter((t) => t.error))
    causes.push({
      code: 'send-failed',
      message: `sending to ${t.address} failed (${t.error})`,
      params: { address: t.address, error: t.error ?? '' },
    });
  const p = host.config.probe;
  if (p && 'tcp' in p)
    causes.push({
      code: 'probe-blocked',
      message: `the machine may be up but drop connections to port ${p.tcp} (a firewall); try another port or probe: { icmp: true }`,
      params: { port: p.tcp },
    });
  else
    causes.push({
      code: 'ping-blocked',
      message:
        'the machine may be up but ignore ping (Windows blocks it by default); try probe: { tcp: <port> }',
    });
  if (host.config.secureOn)
    causes.push({
      code: 'secureon-mismatch',
      message:
        "the SecureOn password must match the one set on the network card; most cards don't support it at all",
    });
  causes.push({
    code: 'wol-settings',
    message:
      'Wake-on-LAN must be on in the BIOS/UEFI and on the card (Linux: ethtool -s <interface> wol g; Windows: "Wake on Magic Packet"), fast startup off, and the machine asleep or soft-off with mains power — not unplugged',
  });
  return causes;
}
