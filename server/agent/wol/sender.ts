// Sends the magic packet over UDP: every target on every port, a few rounds apart (a single
// datagram is easily lost on a busy or just-powered switch), and reports what went where.
import dgram from 'node:dgram';
import type { WakeTarget } from '../../../shared/protocol/entities/index.js';
import type { Target } from './targets.js';

export interface PacketSender {
  send(packet: Buffer, targets: readonly Target[], ports: readonly number[]): Promise<WakeTarget[]>;
}

export function createUdpSender(opts: { rounds?: number; gapMs?: number } = {}): PacketSender {
  const rounds = opts.rounds ?? 3;
  const gapMs = opts.gapMs ?? 100;
  return {
    async send(packet, targets, ports) {
      const socket = dgram.createSocket('udp4');
      // ICMP errors for earlier datagrams surface here asynchronously; they must never crash the agent.
      socket.on('error', () => {});
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('error', reject);
          socket.bind(0, () => {
            socket.off('error', reject);
            resolve();
          });
        });
        socket.setBroadcast(true);
        const ok = targets.map(() => new Set<number>());
        const errors = targets.map(() => new Map<number, string>());
        for (let round = 0; round < rounds; round++) {
          if (round > 0) await new Promise((r) => setTimeout(r, gapMs));
          for (const [i, target] of targets.entries())
            for (const port of ports) {
              const err = await new Promise<Error | null>((resolve) =>
                socket.send(packet, port, target.address, (e) => resolve(e ?? null)),
              );
              if (err) errors[i]!.set(port, (err as NodeJS.ErrnoException).code ?? err.message);
              else ok[i]!.add(port);
            }
        }
        return targets.map((target, i) => {
          const sent = ports.filter((p) => ok[i]!.has(p));
          const failed = [...new Set(errors[i]!.values())];
          return {
            ...target,
            ports: sent,
            ...(sent.length === 0 ? { error: failed.join(', ') || 'not sent' } : {}),
          };
        });
      } finally {
        socket.close();
      }
    },
  };
}
