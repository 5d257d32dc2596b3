// The Cloudflare API v4 as a DDNS client uses it, per the public API reference: Bearer tokens,
// GET /user/tokens/verify, GET /zones?name=, GET/POST /zones/:id/dns_records, PATCH
// /zones/:id/dns_records/:id, DELETE /zones/:id/dns_records/:id (TXT for ACME DNS-01), and the
// { success, errors, messages, result } envelope with Cloudflare's own error codes. Tokens are
// scoped to zones as real API tokens are.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIPv4, isIPv6 } from 'node:net';

export interface CfSimRecord {
  id: string;
  zone_id: string;
  zone_name: string;
  name: string;
  type: 'A' | 'AAAA' | 'TXT';
  content: string;
  proxied: boolean;
  ttl: number;
  created_on: string;
  modified_on: string;
}

export interface CloudflareSim {
  url: string;
  zones: { id: string; name: string }[];
  records: CfSimRecord[];
  /** token → the zone names it may edit. */
  tokens: Map<string, string[]>;
  requests: { method: string; path: string; auth: string | undefined }[];
  /** When set, every API call answers HTTP 500 (an outage at Cloudflare). */
  down: boolean;
  close(): Promise<void>;
}

const id = () => randomBytes(16).toString('hex');

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const ok = (result: unknown, extra: Record<string, unknown> = {}) => ({
  success: true,
  errors: [],
  messages: [],
  result,
  ...extra,
});
const fail = (code: number, message: string) => ({
  success: false,
  errors: [{ code, message }],
  messages: [],
  result: null,
});
const page = (list: unknown[]) => ({
  result_info: { page: 1, per_page: 100, count: list.length, total_count: list.length, total_pages: 1 },
});

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

export async function startCloudflareSim(): Promise<CloudflareSim> {
  const sim: CloudflareSim = {
    url: '',
    zones: [],
    records: [],
    tokens: new Map(),
    requests: [],
    down: false,
    close: async () => {},
  };
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const auth = req.headers.authorization;
    sim.requests.push({ method: req.method ?? '', path: url.pathname, auth });
    if (sim.down) return send(res, 500, fail(10001, 'Internal server error'));
    const path = url.pathname.replace(/^\/client\/v4/, '');
    const bearer = /^Bearer (\S+)$/.exec(auth ?? '')?.[1];
    if (!bearer)
      return send(res, 400, {
        ...fail(6003, 'Invalid request headers'),
        errors: [
          {
            code: 6003,
            message: 'Invalid request headers',
            error_chain: [{ code: 6111, message: 'Invalid format for Authorization header' }],
          },
        ],
      });
    const allowed = sim.tokens.get(bearer);
    if (path === '/user/tokens/verify' && req.method === 'GET') {
      if (!allowed) return send(res, 401, fail(1000, 'Invalid API Token'));
      return send(res, 200, {
        ...ok({ id: 'tok', status: 'active' }),
        messages: [{ code: 10000, message: 'This API Token is valid and active', type: null }],
      });
    }
    if (!allowed) return send(res, 403, fail(10000, 'Authentication error'));
    if (path === '/zones' && req.method === 'GET') {
      const name = url.searchParams.get('name');
      const list = sim.zones
        .filter((z) => allowed.includes(z.name) && (!name || z.name === name))
        .map((z) => ({ ...z, status: 'active', paused: false, type: 'full' }));
      return send(res, 200, ok(list, page(list)));
    }
    const m = /^\/zones\/([^/]+)\/dns_records(?:\/([^/]+))?$/.exec(path);
    if (!m) return send(res, 404, fail(7000, 'No route for that URI'));
    const zone = sim.zones.find((z) => z.id === m[1]);
    if (!zone)
      return send(
        res,
        404,
        fail(7003, `Could not route to ${path}, perhaps your object identifier is invalid?`),
      );
    if (!allowed.includes(zone.name)) return send(res, 403, fail(10000, 'Authentication error'));
    const recordId = m[2];
    if (!recordId && req.method === 'GET') {
      const type = url.searchParams.get('type');
      const name = url.searchParams.get('name');
      const list = sim.records.filter(
        (r) => r.zone_id === zone.id && (!type || r.type === type) && (!name || r.name === name),
      );
      return send(res, 200, ok(list, page(list)));
    }
    let input: { type?: string; name?: string; content?: string; ttl?: number; proxied?: boolean };
    try {
      input = (await body(req)) as typeof input;
    } catch {
      return send(res, 400, fail(9207, 'Request body is invalid.'));
    }
    const valid = (type: string, content: string | undefined) =>
      type === 'TXT'
        ? typeof content === 'string' && content.length > 0 && content.length <= 2048
        : type === 'A'
          ? isIPv4(content ?? '')
          : isIPv6(content ?? '');
    const now = new Date().toISOString();
    if (!recordId && req.method === 'POST') {
      if (input.type !== 'A' && input.type !== 'AAAA' && input.type !== 'TXT')
        return send(res, 400, fail(9004, 'This record type is not supported.'));
      if (!valid(input.type, input.content))
        return send(
          res,
          400,
          fail(
            9005,
            `Content for ${input.type} record must be a valid IP${input.type === 'A' ? 'v4' : 'v6'} address.`,
          ),
        );
      const r: CfSimRecord = {
        id: id(),
        zone_id: zone.id,
        zone_name: zone.name,
        name: input.name ?? zone.name,
        type: input.type,
        content: input.content!,
        proxied: input.proxied ?? false,
        ttl: input.ttl ?? 1,
        created_on: now,
        modified_on: now,
      };
      sim.records.push(r);
      return send(res, 200, ok(r));
    }
    const rec = sim.records.find((r) => r.id === recordId && r.zone_id === zone.id);
    if (!rec) return send(res, 404, fail(81044, 'Record does not exist.'));
    if (req.method === 'PATCH') {
      if (input.content !== undefined && !valid(rec.type, input.content))
        return send(
          res,
          400,
          fail(
            9005,
            `Content for ${rec.type} record must be a valid IP${rec.type === 'A' ? 'v4' : 'v6'} address.`,
          ),
        );
      Object.assign(rec, {
        ...(input.content !== undefined ? { content: input.content } : {}),
        ...(input.ttl !== undefined ? { ttl: input.ttl } : {}),
        ...(input.proxied !== undefined ? { proxied: input.proxied } : {}),
        modified_on: now,
      });
      return send(res, 200, ok(rec));
    }
    if (req.method === 'GET') return send(res, 200, ok(rec));
    if (req.method === 'DELETE') {
      sim.records.splice(sim.records.indexOf(rec), 1);
      return send(res, 200, ok({ id: rec.id }));
    }
    return send(res, 405, fail(10405, 'Method not allowed'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  sim.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/client/v4`;
  sim.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return sim;
}
