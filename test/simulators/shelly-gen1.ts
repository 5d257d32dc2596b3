// Shelly Plug S (Gen1) as it speaks on the wire: `/shelly` (no auth), `/status`, `/relay/0`
// with `turn` and `timer`, HTTP Basic auth when a login is set.
import { type HttpDevice, json, type SimReply, startHttpDevice } from './http-device.js';
import { type RelayOptions, SimRelay } from './relay.js';

export interface ShellyGen1Sim extends HttpDevice {
  relay: SimRelay;
}

export async function startShellyGen1(
  opts: RelayOptions & { username?: string; password?: string } = {},
): Promise<ShellyGen1Sim> {
  const relay = new SimRelay(opts);
  const auth =
    opts.username !== undefined
      ? `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`
      : undefined;
  const relayState = () => {
    const t = relay.timer;
    const now = Date.now();
    return {
      ison: relay.on,
      has_timer: t !== undefined,
      timer_started: t ? Math.floor(t.startedAt / 1000) : 0,
      timer_duration: t ? t.seconds : 0,
      timer_remaining: t ? Math.max(0, Math.ceil(t.seconds - (now - t.startedAt) / 1000)) : 0,
      overpower: false,
      source: relay.history.at(-1)?.source === 'timer' ? 'timer' : 'http',
    };
  };
  const device = await startHttpDevice(relay, (req): SimReply => {
    if (req.url.pathname === '/shelly')
      return json({
        type: 'SHPLG-S',
        mac: 'A4CF12F1E2D3',
        auth: auth !== undefined,
        fw: '20230913-114008/v1.14.0-gcb84623',
        num_outputs: 1,
      });
    if (auth && req.headers.authorization !== auth)
      return {
        status: 401,
        headers: { 'www-authenticate': 'Basic realm="shellyplug-s-F1E2D3"' },
        body: '401 Unauthorized',
      };
    if (req.url.pathname === '/status')
      return json({
        wifi_sta: { connected: true, ssid: 'home', ip: '192.168.1.50', rssi: -58 },
        relays: [relayState()],
        meters: [
          {
            power: relay.power,
            overpower: 0,
            is_valid: true,
            timestamp: Math.floor(Date.now() / 1000),
            counters: [0, 0, 0],
            total: 1234,
          },
        ],
        temperature: 31.4,
        overtemperature: false,
        uptime: 86400,
      });
    const m = req.url.pathname.match(/^\/relay\/(\d+)$/);
    if (!m) return { status: 404, body: 'Not Found' };
    if (m[1] !== '0') return { status: 404, body: 'Not Found' };
    const turn = req.url.searchParams.get('turn');
    const timer = req.url.searchParams.get('timer');
    if (turn === 'on' || turn === 'off' || turn === 'toggle') {
      const want = turn === 'toggle' ? !relay.on : turn === 'on';
      if (timer !== null && Number(timer) > 0) relay.timed(want, Number(timer), 'http');
      else relay.set(want, 'http');
    } else if (turn !== null) return { status: 400, body: 'Bad turn!' };
    return json(relayState());
  });
  return { ...device, relay };
}
