import { describe, expect, it } from 'vitest';
import { macBytes, magicPacket } from '../../../../server/agent/machines/magic-packet.js';

describe('magic packet', () => {
  it('is six 0xFF bytes followed by the MAC sixteen times', () => {
    const p = magicPacket('a8:a1:59:12:34:56');
    expect(p).toHaveLength(102);
    expect([...p.subarray(0, 6)]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    for (let i = 0; i < 16; i++)
      expect([...p.subarray(6 + i * 6, 12 + i * 6)]).toEqual([0xa8, 0xa1, 0x59, 0x12, 0x34, 0x56]);
  });

  it('appends the six-byte SecureOn password', () => {
    const p = magicPacket('a8-a1-59-12-34-56', '00:11:22:aa:bb:cc');
    expect(p).toHaveLength(108);
    expect(p.subarray(0, 102)).toEqual(magicPacket('a8:a1:59:12:34:56'));
    expect(p.subarray(102).toString('hex')).toBe('001122aabbcc');
  });

  it('refuses something that is not a MAC', () => {
    expect(() => macBytes('a8:a1:59:12:34')).toThrow(/not a MAC/);
    expect(() => magicPacket('zz:a1:59:12:34:56')).toThrow(/not a MAC/);
  });
});
