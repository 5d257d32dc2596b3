// What the relay-shape load generators agree on: the names homes ask the relay to route to them,
// and a real ClientHello for each (one captured from Node's TLS client, the name swapped in: every
// name has the same length and nothing in a ClientHello checks the name's bytes).
import net from 'node:net';
import tls from 'node:tls';

/** The name home number `i` asks the relay to route to it (all the same length). */
export const homeName = (i) => `h${String(i).padStart(5, '0')}.bench.lifeline.test`;

/** A function from home number to the ClientHello a phone sends for that home's name. */
export async function helloFor() {
  const template = homeName(0);
  const captured = await new Promise((resolve, reject) => {
    const server = net.createServer((s) =>
      s.once('data', (d) => {
        s.destroy();
        server.close();
        resolve(d);
      }),
    );
    server.listen(0, '127.0.0.1', () => {
      const c = tls.connect({ host: '127.0.0.1', port: server.address().port, servername: template });
      c.on('error', () => {});
    });
    server.on('error', reject);
  });
  const at = captured.indexOf(Buffer.from(template));
  if (at < 0) throw new Error('the captured ClientHello does not hold the name');
  return (i) => {
    const hello = Buffer.from(captured);
    hello.write(homeName(i), at, 'latin1');
    return hello;
  };
}
