// The AMD Magic Packet: 6 × 0xFF, then the target MAC 16 times, then (SecureOn) a 6-byte password.
// The NIC matches this anywhere in a frame, so it travels as a plain UDP payload.

export function macBytes(mac: string): Buffer {
  const hex = mac.replace(/[:-]/g, '');
  if (!/^[0-9a-f]{12}$/i.test(hex)) throw new Error(`not a MAC address: ${mac}`);
  return Buffer.from(hex, 'hex');
}

export function magicPacket(mac: string, secureOn?: string): Buffer {
  const target = macBytes(mac);
  const parts: Buffer[] = [Buffer.alloc(6, 0xff)];
  for (let i = 0; i < 16; i++) parts.push(target);
  if (secureOn !== undefined) parts.push(macBytes(secureOn));
  return Buffer.concat(parts);
}
