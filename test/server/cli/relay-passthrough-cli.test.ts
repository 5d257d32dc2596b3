// `lifeline relay` with a pass-through port, as a process: it serves no app by default, says so
// when app.serve is on, and hands every name no home holds — the relay's own among them — to its
// fallback (Caddy), bytes untouched.
import { writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, expect, it } from 'vitest';
import { freePort, startCli } from '../../harness/cli.js';
import { httpsGetText } from '../../harness/https-get.js';
import { tempDir } from '../../harness/temp.js';
import { makeCerts } from '../../harness/tls.js';

const tmp = tempDir();
const certs = makeCerts({ dns: ['relay.test'] });
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const s of stops.reverse()) await s();
  certs.remove();
  tmp.remove();
});

it('passes TLS by name: names no home holds go to the fallback, which alone holds the relay’s certificate', async () => {
  // The relay's own TLS server (Caddy's place), on another port.
  const own = https.createServer({ cert: certs.cert, key: certs.key }, (_req, res) =>
    res.end('relay itself'),
  );
  await new Promise<void>((r) => own.listen(0, '127.0.0.1', () => r()));
  stops.push(() => new Promise<void>((r) => own.close(() => r())));
  const [port, passPort] = [await freePort(), await freePort()];
  const file = path.join(tmp.dir, 'relay.yaml');
  writeFileSync(
    file,
    JSON.stringify({
      listen: { host: '127.0.0.1', port },
      data: path.join(tmp.dir, 'data'),
      passthrough: {
        host: '127.0.0.1',
        port: passPort,
        fallback: `127.0.0.1:${(own.address() as { port: number }).port}`,
      },
    }),
  );
  const relay = await startCli(['relay', '-c', file], /TLS pass-through .*\n/);
  stops.push(relay.stop);
  expect(relay.output()).not.toContain('Serving the app');
  expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);

  const alert = await new Promise<string>((resolve) => {
    const s = tls.connect({ host: '127.0.0.1', port: passPort, servername: 'nobody.test', ca: certs.ca });
    s.on('error', (e) => resolve(e.message));
    s.on('secureConnect', () => resolve('connected'));
  });
  // The fallback answered with the relay's own certificate, which is not for that name.
  expect(alert).toMatch(/does not match certificate/i);

  const body = await httpsGetText({ port: passPort, servername: 'relay.test', ca: certs.ca, path: '/' });
  expect(body).toBe('relay itself');
});

it('says when it serves the app (app.serve)', async () => {
  const port = await freePort();
  const file = path.join(tmp.dir, 'relay-app.yaml');
  writeFileSync(
    file,
    JSON.stringify({
      listen: { host: '127.0.0.1', port },
      data: path.join(tmp.dir, 'data2'),
      app: { serve: true },
    }),
  );
  const relay = await startCli(['relay', '-c', file], /Serving the app.*\n/);
  stops.push(relay.stop);
  expect(relay.output()).toContain('phones trust this relay with its code');
  expect((await fetch(`http://127.0.0.1:${port}/origin.json`)).status).toBe(200);
});
