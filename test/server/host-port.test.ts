// Where a device or server is, as config files write it: one reading for plugs, UPSes and DNS servers.
import { describe, expect, it } from 'vitest';
import { splitHostPort } from '../../server/host-port.js';

describe('host and port', () => {
  it('reads names, IPv4, bracketed and bare IPv6, with and without a port', () => {
    expect(splitHostPort('nas.lan')).toEqual({ host: 'nas.lan' });
    expect(splitHostPort('nas.lan:3494')).toEqual({ host: 'nas.lan', port: 3494 });
    expect(splitHostPort('192.0.2.53:5353')).toEqual({ host: '192.0.2.53', port: 5353 });
    expect(splitHostPort('[2001:db8::53]:53')).toEqual({ host: '2001:db8::53', port: 53 });
    expect(splitHostPort('[2001:db8::53]')).toEqual({ host: '2001:db8::53' });
    // A bare IPv6 address is a host, whatever its last group looks like: not "fe80:" and port 1.
    expect(splitHostPort('fe80::1')).toEqual({ host: 'fe80::1' });
    expect(splitHostPort('2001:db8::9999')).toEqual({ host: '2001:db8::9999' });
  });

  it('refuses a port that is not 1–65535', () => {
    for (const bad of ['nas:0', 'nas:65536', 'nas:http', 'nas:', '[::1]:x', '[::1]:'])
      expect(splitHostPort(bad), bad).toBeUndefined();
  });
});
