// A NAT-PMP gateway (RFC 6886 §3.2): answers the external-address request (version 0, opcode 0)
// with version 0, opcode 128, a result code, seconds since start-up and the WAN IPv4 address.
// NAT-PMP fixes the server port at 5351 (and clients reply-listen on 5350), so the simulator takes
// its own loopback address instead of a random port: nothing else on this machine uses it.
import { createSocket, type Socket } from 'node:dgram';

export const NATPMP_TEST_GATEWAY = '127.53.51.1';

export interface NatPmpGateway {
  host: string;
  externalIp: string;
  /** 0 success; 2 "not authorized / refused" (NAT-PMP switched off), 3 network failure. */
  resultCode: number;
  requests: number;
  close(): Promise<void>;
}

export async function startNatPmpGateway(externalIp: string): Promise<NatPmpGateway> {
  const started = Date.now();
  const socket: Socket = createSocket('udp4');
  const gw: NatPmpGateway = {
    host: NATPMP_TEST_GATEWAY,
    externalIp,
    resultCode: 0,
    requests: 0,
    close: () => new Promise<void>((r) => socket.close(() => r())),
  };
  socket.on('message', (msg, rinfo) => {
    if (msg.length < 2 || msg[0] !== 0) return;
    gw.requests++;
    const reply = Buffer.alloc(msg[1] === 0 ? 12 : 4);
    reply.writeUInt8(0, 0);
    reply.writeUInt8(128 + msg[1]!, 1);
    reply.writeUInt16BE(msg[1] === 0 ? gw.resultCode : 5, 2);
    if (msg[1] === 0) {
      reply.writeUInt32BE(Math.floor((Date.now() - started) / 1000), 4);
      Buffer.from(gw.externalIp.split('.').map(Number)).copy(reply, 8);
    }
    socket.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(5351, NATPMP_TEST_GATEWAY, () => resolve());
  });
  return gw;
}
