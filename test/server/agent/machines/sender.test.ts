import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { magicPacket } from '../../../../server/agent/machines/magic-packet.js';
import { createUdpSender } from '../../../../server/agent/machines/sender.js';

const listeners: dgram.Socket[] = [];
afterEach(() => {
  for (const s of listeners.splice(0)) s.close();
});

async function listener(): Promise<{ port: number; got: Buffer[] }> {
  const socket = dgram.createSocket('udp4');
  listeners.push(socket);
  const got: Buffer[] = [];
  socket.on('message', (m) => got.push(m));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return { port: socket.address().port, got };
}

describe('UDP sender', () => {
  it('sends every port of every target, then repeats the round', async () => {
    const a = await listener();
    const b = await listener();
    const packet = magicPacket('a8:a1:59:12:34:56');
    const { sentTo, repeats } = await createUdpSender({ rounds: 3, gapMs: 20 }).send(
      packet,
      [{ address: '127.0.0.1', kind: 'unicast', interface: 'lo' }],
      [a.port, b.port],
    );
    expect(sentTo).toEqual([
      { address: '127.0.0.1', kind: 'unicast', interface: 'lo', ports: [a.port, b.port] },
    ]);
    await repeats;
    await expect.poll(() => a.got.length + b.got.length).toBe(6);
    for (const m of [...a.got, ...b.got]) expect(m).toEqual(packet);
  });

  it('stops repeating when told to', async () => {
    const a = await listener();
    const stop = new AbortController();
    const { repeats } = await createUdpSender({ rounds: 3, gapMs: 20 }).send(
      magicPacket('a8:a1:59:12:34:56'),
      [{ address: '127.0.0.1', kind: 'unicast', interface: 'lo' }],
      [a.port],
      stop.signal,
    );
    stop.abort();
    await repeats;
    await expect.poll(() => a.got.length).toBe(1);
  });

  it('records a target it cannot send to instead of failing the others', async () => {
    const a = await listener();
    const { sentTo, repeats } = await createUdpSender({ rounds: 1 }).send(
      magicPacket('a8:a1:59:12:34:56'),
      [
        { address: '127.0.0.1', kind: 'unicast', interface: 'lo' },
        { address: 'not-an-address.invalid', kind: 'unicast', interface: null },
      ],
      [a.port],
    );
    await repeats;
    expect(sentTo[0]).toMatchObject({ ports: [a.port] });
    expect(sentTo[1]).toMatchObject({ ports: [], error: expect.any(String) });
  });
});
