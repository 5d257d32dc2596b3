import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { localNetworks } from '../../../../server/agent/machines/networks.js';
import { planTargets, routeWarning } from '../../../../server/agent/machines/targets.js';

const v4 = (address: string, netmask: string, internal = false): NetworkInterfaceInfo => ({
  address,
  netmask,
  family: 'IPv4',
  mac: '00:00:00:00:00:00',
  internal,
  cidr: null,
});

const home = localNetworks({
  lo: [v4('127.0.0.1', '255.0.0.0', true)],
  eth0: [v4('192.168.1.5', '255.255.255.0')],
  wg0: [v4('10.8.0.2', '255.255.255.255')],
  eth1: [
    v4('172.16.4.9', '255.255.252.0'),
    { ...v4('fe80::1', 'ffff:ffff:ffff:ffff::'), family: 'IPv6', scopeid: 2 } as NetworkInterfaceInfo,
  ],
});

describe('where the magic packet goes', () => {
  it('knows each interface directed broadcast, and that /32 tunnels have none', () => {
    expect(home.map((n) => [n.interface, n.prefix, n.broadcast])).toEqual([
      ['eth0', 24, '192.168.1.255'],
      ['wg0', 32, null],
      ['eth1', 22, '172.16.7.255'],
    ]);
  });

  it('sends to every interface broadcast plus the host address when no broadcast is configured', () => {
    expect(planTargets({ unicast: '192.168.1.20' }, home)).toEqual([
      { address: '192.168.1.255', kind: 'broadcast', interface: 'eth0' },
      { address: '172.16.7.255', kind: 'broadcast', interface: 'eth1' },
      { address: '192.168.1.20', kind: 'unicast', interface: 'eth0' },
    ]);
  });

  it('sends only to the configured broadcast (plus the host) when one is set', () => {
    expect(planTargets({ broadcast: '172.16.7.255', unicast: '172.16.5.1' }, home)).toEqual([
      { address: '172.16.7.255', kind: 'broadcast', interface: 'eth1' },
      { address: '172.16.5.1', kind: 'unicast', interface: 'eth1' },
    ]);
    expect(planTargets({ broadcast: '10.9.9.255', unicast: null }, home)).toEqual([
      { address: '10.9.9.255', kind: 'broadcast', interface: null },
    ]);
  });

  it('warns when no network of this machine reaches the host, as inside a Docker bridge', () => {
    const docker = localNetworks({ eth0: [v4('172.17.0.2', '255.255.0.0')] });
    const w = routeWarning({ address: '192.168.1.20' }, docker);
    expect(w).toMatchObject({ code: 'no-broadcast-route' });
    expect(w!.message).toContain('192.168.1.20 is not on any network of the agent');
    expect(w!.message).toContain('172.17.0.2/16 on eth0');
    expect(w!.message).toContain('host networking');
    expect(routeWarning({ address: '192.168.1.20' }, home)).toBeUndefined();
    expect(routeWarning({ broadcast: '192.168.1.255', address: '192.168.1.20' }, home)).toBeUndefined();
    expect(routeWarning({ broadcast: '10.9.9.255', address: null }, home)?.code).toBe('no-broadcast-route');
    expect(routeWarning({ broadcast: '192.168.1.255', address: '172.16.5.1' }, home)?.code).toBe(
      'no-broadcast-route',
    );
  });
});
