#!/usr/bin/env node
// Forwards connections from a Unix socket to a TCP address. Run inside a network namespace, it
// lets tests in the host namespace reach a server there (Unix sockets are not bound to a netns).
import { rmSync } from 'node:fs';
import net from 'node:net';

const [path, host, port] = process.argv.slice(2);
rmSync(path, { force: true });
const server = net.createServer((inbound) => {
  const outbound = net.connect(Number(port), host);
  inbound.pipe(outbound).pipe(inbound);
  inbound.on('error', () => outbound.destroy());
  outbound.on('error', () => inbound.destroy());
});
server.listen(path, () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
