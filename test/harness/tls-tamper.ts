// A relay gone bad, on the byte path between phone and agent: it forwards TLS records and, when
// told to, flips a byte of the phone's encrypted records (a changed command) or slips a record of
// its own making into what the agent sends (an injected script). It holds no key, so all it can do
// is alter bytes — which TLS must turn into an error, never into a changed page or command.
import net from 'node:net';

export type TamperMode = 'pass' | 'flip-up' | 'inject-down';

export interface TlsTamper {
  port: number;
  mode: TamperMode;
  /** Records altered so far. */
  altered: number;
  close(): Promise<void>;
}

const APPLICATION_DATA = 0x17;

export async function startTlsTamper(
  listen: { host: string; port: number },
  upstream: { host: string; port: number },
): Promise<TlsTamper> {
  const sockets = new Set<net.Socket>();
  const t: TlsTamper = {
    port: 0,
    mode: 'pass',
    altered: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = net.createServer((phone) => {
    const agent = net.connect(upstream.port, upstream.host);
    sockets.add(phone);
    sockets.add(agent);
    const drop = () => {
      phone.destroy();
      agent.destroy();
      sockets.delete(phone);
      sockets.delete(agent);
    };
    phone.on('error', drop).on('close', drop);
    agent.on('error', drop).on('close', drop);
    let injected = false;
    records(phone, (rec) => {
      if (t.mode === 'flip-up' && rec[0] === APPLICATION_DATA) {
        rec[rec.length - 1] = rec[rec.length - 1]! ^ 0x01;
        t.altered++;
      }
      agent.write(rec);
    });
    records(agent, (rec) => {
      if (t.mode === 'inject-down' && rec[0] === APPLICATION_DATA && !injected) {
        injected = true;
        const script = Buffer.from('<script>fetch("/steal?"+location.hash)</script>');
        const fake = Buffer.alloc(5 + script.length);
        fake.set([APPLICATION_DATA, 0x03, 0x03, script.length >> 8, script.length & 0xff]);
        script.copy(fake, 5);
        phone.write(fake);
        t.altered++;
      }
      phone.write(rec);
    });
  });
  await new Promise<void>((resolve) => server.listen(listen.port, listen.host, resolve));
  t.port = (server.address() as net.AddressInfo).port;
  return t;
}

/** Calls `each` with every whole TLS record (header included) read from `from`. */
function records(from: net.Socket, each: (record: Buffer) => void): void {
  let buf = Buffer.alloc(0);
  from.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 5) {
      const len = 5 + buf.readUInt16BE(3);
      if (buf.length < len) break;
      each(Buffer.from(buf.subarray(0, len)));
      buf = buf.subarray(len);
    }
  });
}
