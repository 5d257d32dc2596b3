// Shelly Plus Plug S (Gen2 RPC) as it speaks on the wire: `POST /rpc` JSON-RPC frames,
// `Switch.GetStatus` / `Switch.Set` (with `toggle_after`), and RFC 7616 digest auth with
// SHA-256 (user "admin", realm = device id, HA1 = SHA256("admin:<realm>:<password>")).
import { createHash, randomBytes } from 'node:crypto';
import { type HttpDevice, json, type SimReply, startHttpDevice } from './http-device.js';
import { type RelayOptions, SimRelay } from './relay.js';

export interface ShellyGen2Sim extends HttpDevice {
  relay: SimRelay;
  /** Digest nonces issued (each 401 issues one). */
  challenges: number;
}

const DEVICE_ID = 'shellyplusplugs-e86beae4f0c8';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export async function startShellyGen2(
  opts: RelayOptions & { password?: string } = {},
): Promise<ShellyGen2Sim> {
  const relay = new SimRelay(opts);
  const nonces = new Map<string, number>();
  const sim = { challenges: 0 };
  const unauthorized = (): SimReply => {
    const nonce = randomBytes(8).toString('hex');
    nonces.set(nonce, 0);
    sim.challenges++;
    return {
      status: 401,
      headers: {
        'www-authenticate': `Digest qop="auth", realm="${DEVICE_ID}", nonce="${nonce}", algorithm=SHA-256`,
      },
      body: '',
    };
  };
  const authorized = (header: string | undefined): boolean => {
    if (!header?.startsWith('Digest ')) return false;
    const p: Record<string, string> = {};
    for (const m of header.slice(7).matchAll(/([a-z]+)=(?:"([^"]*)"|([^\s,]+))/g))
      p[m[1]!] = m[2] ?? m[3] ?? '';
    const seen = p.nonce !== undefined ? nonces.get(p.nonce) : undefined;
    const nc = Number.parseInt(p.nc ?? '', 16);
    if (
      seen === undefined ||
      !(nc > seen) ||
      p.username !== 'admin' ||
      p.realm !== DEVICE_ID ||
      p.algorithm !== 'SHA-256'
    )
      return false;
    const ha1 = sha256(`admin:${DEVICE_ID}:${opts.password}`);
    const ha2 = sha256(`POST:${p.uri}`);
    if (p.response !== sha256(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`)) return false;
    nonces.set(p.nonce!, nc);
    return true;
  };
  const status = () => {
    const t = relay.timer;
    return {
      id: 0,
      source: relay.history.at(-1)?.source ?? 'init',
      output: relay.on,
      ...(t ? { timer_started_at: t.startedAt / 1000, timer_duration: t.seconds } : {}),
      apower: relay.power,
      voltage: 231.2,
      current: relay.power / 231.2,
      aenergy: { total: 5321.7, by_minute: [0, 0, 0], minute_ts: Math.floor(Date.now() / 1000) },
      temperature: { tC: 38.2, tF: 100.8 },
    };
  };
  const device = await startHttpDevice(relay, (req): SimReply => {
    if (req.url.pathname === '/shelly')
      return json({
        name: null,
        id: DEVICE_ID,
        mac: 'E86BEAE4F0C8',
        model: 'SNPL-00112EU',
        gen: 2,
        fw_id: '20231107-164738/1.0.8-g8c7c2b4',
        ver: '1.0.8',
        app: 'PlugS',
        auth_en: opts.password !== undefined,
        auth_domain: opts.password !== undefined ? DEVICE_ID : null,
      });
    if (req.url.pathname !== '/rpc' || req.method !== 'POST') return { status: 404, body: '' };
    if (opts.password !== undefined && !authorized(req.headers.authorization as string | undefined))
      return unauthorized();
    let frame: { id?: unknown; method?: unknown; params?: Record<string, unknown> };
    try {
      frame = JSON.parse(req.body);
    } catch {
      return json({ id: null, src: DEVICE_ID, error: { code: -32700, message: 'Parse error' } }, 400);
    }
    const reply = (result: unknown) => json({ id: frame.id, src: DEVICE_ID, result });
    const error = (code: number, message: string) =>
      json({ id: frame.id, src: DEVICE_ID, error: { code, message } });
    const params = frame.params ?? {};
    if (frame.method === 'Switch.GetStatus' || frame.method === 'Switch.Set') {
      if (params.id !== 0) return error(-105, `Argument 'id', value ${String(params.id)} not found!`);
    }
    switch (frame.method) {
      case 'Switch.GetStatus':
        return reply(status());
      case 'Switch.Set': {
        if (typeof params.on !== 'boolean') return error(-103, "Missing required argument 'on'!");
        const wasOn = relay.on;
        if (params.toggle_after !== undefined) {
          if (typeof params.toggle_after !== 'number' || params.toggle_after <= 0)
            return error(-103, 'Invalid argument toggle_after!');
          relay.timed(params.on, params.toggle_after, 'http');
        } else relay.set(params.on, 'http');
        return reply({ was_on: wasOn });
      }
      default:
        return error(404, `No handler for ${String(frame.method)}`);
    }
  });
  return {
    ...device,
    relay,
    get challenges() {
      return sim.challenges;
    },
  };
}
