// DuckDNS's update API as documented at duckdns.org/spec.jsp: GET /update?domains=&token=&ip=&ipv6=
// &verbose=&clear=, always HTTP 200 text/plain: "OK" / "KO", and with verbose=true
// "OK\n<ipv4>\n<ipv6>\nUPDATED|NOCHANGE". A blank ip means "the address this request came from".
// A request with `txt=` sets the domain's one TXT record instead (with clear=true: removes it);
// verbose then answers "OK\n<txt>\nUPDATED|NOCHANGE".
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIPv4, isIPv6 } from 'node:net';

export interface DuckDnsSim {
  url: string;
  token: string;
  /** subdomain → its addresses. */
  domains: Map<string, { ipv4: string; ipv6: string }>;
  /** subdomain → its TXT record (DuckDNS keeps one per domain). */
  txt: Map<string, string>;
  requests: URLSearchParams[];
  close(): Promise<void>;
}

export async function startDuckDnsSim(token: string, subdomains: string[]): Promise<DuckDnsSim> {
  const sim: DuckDnsSim = {
    url: '',
    token,
    domains: new Map(subdomains.map((s) => [s, { ipv4: '', ipv6: '' }])),
    txt: new Map(),
    requests: [],
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const reply = (text: string) =>
      res.writeHead(200, { 'content-type': 'text/plain;charset=UTF-8' }).end(text);
    if (url.pathname !== '/update') return reply('KO');
    const q = url.searchParams;
    sim.requests.push(q);
    const names = (q.get('domains') ?? '')
      .split(',')
      .map((d) => d.replace(/\.duckdns\.org$/, ''))
      .filter(Boolean);
    if (q.get('token') !== sim.token || names.length === 0 || names.some((n) => !sim.domains.has(n)))
      return reply('KO');
    if (q.has('txt')) {
      let changed = false;
      for (const n of names) {
        const next = q.get('clear') === 'true' ? '' : (q.get('txt') ?? '');
        if ((sim.txt.get(n) ?? '') !== next) changed = true;
        if (next) sim.txt.set(n, next);
        else sim.txt.delete(n);
      }
      if (q.get('verbose') !== 'true') return reply('OK');
      return reply(`OK\n${sim.txt.get(names[0]!) ?? ''}\n${changed ? 'UPDATED' : 'NOCHANGE'}`);
    }
    const from = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    let ip = q.get('ip') ?? '';
    let ipv6 = q.get('ipv6') ?? '';
    if (ip && isIPv6(ip)) {
      ipv6 = ip;
      ip = '';
    }
    if (ip && !isIPv4(ip)) return reply('KO');
    if (ipv6 && !isIPv6(ipv6)) return reply('KO');
    let changed = false;
    for (const n of names) {
      const d = sim.domains.get(n)!;
      const next =
        q.get('clear') === 'true'
          ? { ipv4: '', ipv6: '' }
          : { ipv4: ip || (q.has('ipv6') ? d.ipv4 : from), ipv6: ipv6 || d.ipv6 };
      if (next.ipv4 !== d.ipv4 || next.ipv6 !== d.ipv6) changed = true;
      sim.domains.set(n, next);
    }
    if (q.get('verbose') !== 'true') return reply('OK');
    const d = sim.domains.get(names[0]!)!;
    reply(`OK\n${d.ipv4}\n${d.ipv6}\n${changed ? 'UPDATED' : 'NOCHANGE'}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  sim.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sim.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return sim;
}
