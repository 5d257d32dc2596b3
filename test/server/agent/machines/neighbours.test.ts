import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createNeighbourTable,
  parseIpNeigh,
  parseProcArp,
} from '../../../../server/agent/machines/neighbours.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-neigh-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('neighbour table', () => {
  it('reads `ip -j neigh`, keeping only entries that carry a MAC', () => {
    const text = JSON.stringify([
      { dst: '192.168.1.20', dev: 'eth0', lladdr: 'A8:A1:59:12:34:56', state: ['STALE'] },
      { dst: '192.168.1.21', dev: 'eth0', state: ['FAILED'] },
      { dst: '192.168.1.22', dev: 'eth0', lladdr: '00:11:22:33:44:55', state: ['INCOMPLETE'] },
      { dst: '192.168.1.1', dev: 'eth0', lladdr: '02:fc:00:00:00:05', state: ['REACHABLE'] },
      { dst: 'fe80::1', dev: 'eth0', lladdr: '02:fc:00:00:00:05', router: null, state: ['REACHABLE'] },
      { dst: '10.0.0.9', dev: 'br0', lladdr: '00:11:22:33:44:66', state: ['PERMANENT'] },
    ]);
    expect(parseIpNeigh(text).map((n) => [n.address, n.mac])).toEqual([
      ['192.168.1.20', 'a8:a1:59:12:34:56'],
      ['192.168.1.1', '02:fc:00:00:00:05'],
      ['fe80::1', '02:fc:00:00:00:05'],
      ['10.0.0.9', '00:11:22:33:44:66'],
    ]);
  });

  it('shrugs off garbage instead of throwing', () => {
    for (const bad of [
      '',
      'not json',
      '{"a":1}',
      '[1, null, "x", {"dst": 5}, {"dst": "1.2.3.4", "lladdr": "zz"}]',
    ])
      expect(parseIpNeigh(bad)).toEqual([]);
    expect(parseProcArp('garbage\n\n  \n1 2\n')).toEqual([]);
  });

  it('reads /proc/net/arp, skipping incomplete entries', () => {
    const text = `IP address       HW type     Flags       HW address            Mask     Device
192.168.1.20     0x1         0x2         a8:a1:59:12:34:56     *        eth0
192.168.1.21     0x1         0x0         00:00:00:00:00:00     *        eth0
192.168.1.22     0x1         0x6         00:11:22:33:44:55     *        eth0
`;
    expect(parseProcArp(text)).toEqual([
      { address: '192.168.1.20', mac: 'a8:a1:59:12:34:56', device: 'eth0', state: 'COMPLETE' },
      { address: '192.168.1.22', mac: '00:11:22:33:44:55', device: 'eth0', state: 'PERMANENT' },
    ]);
  });

  it('reads the real table through iproute2', async () => {
    const r = await createNeighbourTable().read();
    expect(r).toMatchObject({ ok: true, source: 'ip neigh' });
  });

  it('falls back to /proc/net/arp without iproute2, and says so when neither can be read', async () => {
    const file = path.join(dir, 'arp');
    writeFileSync(
      file,
      'IP address HW type Flags HW address Mask Device\n10.0.0.2 0x1 0x2 a8:a1:59:00:00:01 * eth0\n',
    );
    const fallback = await createNeighbourTable({
      ipCommand: path.join(dir, 'no-ip'),
      procFile: file,
    }).read();
    expect(fallback).toMatchObject({ ok: true, source: file, entries: [{ address: '10.0.0.2' }] });
    const none = await createNeighbourTable({
      ipCommand: path.join(dir, 'no-ip'),
      procFile: path.join(dir, 'nope'),
    }).read();
    expect(none).toMatchObject({ ok: false, problem: { code: 'neighbours-unavailable' } });
    if (!none.ok) expect(none.problem.message).toMatch(/install iproute2/);
  });
});
