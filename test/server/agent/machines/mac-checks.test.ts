import { describe, expect, it } from 'vitest';
import {
  isLocallyAdministered,
  macWarnings,
  mismatchWarning,
  VIRTUAL_NIC_PREFIXES,
} from '../../../../server/agent/machines/mac-checks.js';
import { ConfigError, parseConfig } from '../../../../server/config/load.js';

function configProblems(yaml: string) {
  try {
    parseConfig(yaml, '/etc/lifeline.yaml', {});
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected the config to be rejected');
}

describe('MAC checks', () => {
  it.each([
    ['02:42:ac:11:00:02', 'Docker'],
    ['52:54:00:12:34:56', 'QEMU/KVM'],
    ['00:50:56:aa:bb:cc', 'VMware'],
    ['00:0C:29:aa:bb:cc', 'VMware'],
    ['00:15:5d:01:02:03', 'Hyper-V'],
    ['08:00:27:01:02:03', 'VirtualBox'],
  ])('flags %s as a %s virtual NIC', (mac, vendor) => {
    const [w, ...rest] = macWarnings(mac);
    expect(rest).toEqual([]);
    expect(w).toMatchObject({ code: 'virtual-nic', params: { vendor } });
    expect(w!.message).toContain(`${vendor} virtual network card`);
  });

  it('knows every issue-listed prefix', () => {
    const prefixes = VIRTUAL_NIC_PREFIXES.map((p) => p.prefix);
    for (const p of ['02:42', '52:54:00', '00:50:56', '00:0c:29', '00:15:5d', '08:00:27'])
      expect(prefixes).toContain(p);
  });

  it('flags a locally administered MAC that is no known virtual NIC', () => {
    expect(isLocallyAdministered('da:a1:19:00:00:01')).toBe(true);
    expect(macWarnings('da:a1:19:00:00:01')).toEqual([
      expect.objectContaining({ code: 'locally-administered', params: { mac: 'da:a1:19:00:00:01' } }),
    ]);
  });

  it('leaves a burned-in MAC alone', () => {
    expect(isLocallyAdministered('a8:a1:59:12:34:56')).toBe(false);
    expect(macWarnings('a8:a1:59:12:34:56')).toEqual([]);
  });

  it('offers the MAC the neighbour table saw at the address when it differs', () => {
    const seen = { mac: 'a8:a1:59:00:00:02', address: '192.168.1.20', at: 1 };
    expect(mismatchWarning('a8:a1:59:00:00:02', seen)).toBeUndefined();
    expect(mismatchWarning('A8:A1:59:00:00:02', seen)).toBeUndefined();
    expect(mismatchWarning('52:54:00:12:34:56', null)).toBeUndefined();
    const w = mismatchWarning('52:54:00:12:34:56', seen);
    expect(w).toMatchObject({ code: 'neighbour-mismatch', params: { seenMac: 'a8:a1:59:00:00:02' } });
    expect(w!.message).toBe(
      '192.168.1.20 was seen with MAC a8:a1:59:00:00:02, not 52:54:00:12:34:56; if that is this machine, set mac: "a8:a1:59:00:00:02"',
    );
  });
});

describe('hosts[] in the config', () => {
  it('rejects a malformed MAC, naming its line', () => {
    const [p] = configProblems('home: { name: Home }\nhosts:\n  - id: pc\n    mac: "a8:a1:59:12:34"\n');
    expect(p).toMatchObject({ line: 4, column: 10, path: 'hosts[0].mac' });
    expect(p!.message).toMatch(/expected a MAC address of six hex pairs/);
  });

  it('rejects multicast, broadcast and all-zero MACs, which no card has', () => {
    for (const mac of ['ff:ff:ff:ff:ff:ff', '01:00:5e:00:00:fb', '00:00:00:00:00:00']) {
      const [p] = configProblems(`hosts:\n  - { id: pc, mac: "${mac}" }\n`);
      expect(p, mac).toMatchObject({ line: 2, path: 'hosts[0].mac' });
      expect(p!.message).toMatch(/a network card's MAC/);
    }
  });

  it('rejects a broadcast address that is not IPv4 and a SecureOn password that is not six bytes', () => {
    const problems = configProblems(
      'hosts:\n  - id: pc\n    mac: "a8:a1:59:12:34:56"\n    broadcast: 192.168.1.256\n    secureOn: "00:11"\n',
    );
    expect(problems.map((p) => [p.line, p.path])).toEqual([
      [4, 'hosts[0].broadcast'],
      [5, 'hosts[0].secureOn'],
    ]);
  });

  it('fills in ports 9 and 7, a 30 s presence interval and a 120 s wake timeout', () => {
    const { config } = parseConfig(
      'hosts:\n  - { id: pc, mac: "A8-A1-59-12-34-56", secureOn: "AA-BB-CC-DD-EE-FF" }\n',
      'x.yaml',
      {},
    );
    expect(config.machines[0]).toMatchObject({
      mac: 'a8:a1:59:12:34:56',
      secureOn: 'aa:bb:cc:dd:ee:ff',
      ports: [9, 7],
      probeIntervalSeconds: 30,
      wakeTimeoutSeconds: 120,
    });
  });
});
