// One HTTPS GET that trusts the test's CA and names the server by SNI, resolving to the body: how the
// tests reach a relay (or what stands in front of it) by its own name on a loopback port.
import https from 'node:https';

/** GET over HTTPS (host 127.0.0.1 unless given); resolves to the body as text. */
export function httpsGetText(opts: https.RequestOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', ...opts }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}
