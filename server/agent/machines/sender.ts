// Sends the magic packet over UDP: every target on every port, then the same again a few times
// (one datagram is easily lost on a busy or just-powered switch). The first round's outcome is
// reported at once; the repeats follow in the background.
import dgram from 'node:dgram';
import type { WakeTarget } from '../../../shared/protocol/vocabulary.js';
import type { Target } from './targets.js';

export interface SendResult {
  /** What the first round reached: per target, the ports sent to, or the error. */
  sentTo: WakeTarget[];
  /** Settles (never rejects) once the repeats are sent and the socket is closed. */
  repeats: Promise<void>;
}

export interface PacketSender {
  send(
    packet: Buffer,
    targets: readonly Target[],
    ports: readonly number[],
    signal?: AbortSignal,
  ): Promise<SendResult>;
}

export function createUdpSender(opts: { rounds?: number; gapMs?: number } = {}): PacketSender {
  const rounds = opts.rounds ?? 3;
  const gapMs = opts.gapMs ?? 100;
  return {
    async send(packet, targets, ports, signal) {
      const socket = dgram.createSocket('udp4');
      // ICMP errors for earlier datagrams surface here asynchronously; they must never crash the agent.
      socket.on('error', () => {});
      const round = async () => {
        const out: { ok: Set<number>; errors: Set<string> }[] = [];
        for (const target of targets) {
          const r = { ok: new Set<number>(), errors: new Set<string>() };
          for (const port of ports) {
            const err = await new Promise<Error | null>((resolve) =>
              socket.send(packet, port, target.address, (e) => resolve(e ?? null)),
            );
            if (err) r.errors.add((err as NodeJS.ErrnoException).code ?? err.message);
            else r.ok.add(port);
          }
          out.push(r);
        }
        return out;
      };
      let first: Awaited<ReturnType<typeof round>>;
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('error', reject);
          socket.bind(0, () => {
            socket.off('error', reject);
            resolve();
          });
        });
        socket.setBroadcast(true);
        first = await round();
      } catch (err) {
        socket.close();
        throw err;
      }
      const repeats = (async () => {
        try {
          for (let i = 1; i < rounds && !signal?.aborted; i++) {
            await new Promise((r) => setTimeout(r, gapMs));
            if (!signal?.aborted) await round();
          }
        } catch {
          // A repeat that fails changes nothing: the first round was reported.
        } finally {
          socket.close();
        }
      })();
      const sentTo = targets.map((target, i) => {
        const sent = ports.filter((p) => first[i]!.ok.has(p));
        return {
          ...target,
          ports: sent,
          ...(sent.length === 0 ? { error: [...first[i]!.errors].join(', ') || 'not sent' } : {}),
        };
      });
      return { sentTo, repeats };
    },
  };
}
