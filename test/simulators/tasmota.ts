// A Tasmota plug's web command endpoint, byte for byte: `GET /cm?user=…&password=…&cmnd=…`,
// a 200 with `{"WARNING":"Need user=<username>&password=<password>"}` on a wrong login, and the
// results of the command joined into one JSON object (an empty `{}` for a Backlog).
import { type HttpDevice, type SimReply, startHttpDevice } from './http-device.js';
import { type RelayOptions, SimRelay } from './relay.js';
import { TasmotaEngine } from './tasmota-engine.js';

export interface TasmotaSim extends HttpDevice {
  relay: SimRelay;
  engine: TasmotaEngine;
}

export async function startTasmota(
  opts: RelayOptions & { password?: string; version?: string; energy?: boolean } = {},
): Promise<TasmotaSim> {
  const relay = new SimRelay(opts);
  const engine = new TasmotaEngine(relay, opts.version ?? '13.4.0(tasmota)', opts.energy ?? true);
  const device = await startHttpDevice(relay, (req): SimReply => {
    if (req.url.pathname !== '/cm')
      return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'File Not Found\n\n' };
    const q = req.url.searchParams;
    if (opts.password !== undefined && (q.get('user') !== 'admin' || q.get('password') !== opts.password))
      return { body: '{"WARNING":"Need user=<username>&password=<password>"}' };
    const cmnd = q.get('cmnd');
    if (!cmnd) return { body: '{"WARNING":"Enter command cmnd="}' };
    const results = engine.run(cmnd);
    // The web handler strips each result's outer braces and joins them into one object.
    return { body: `{${results.map((r) => JSON.stringify(r).slice(1, -1)).join(',')}}` };
  });
  return {
    ...device,
    relay,
    engine,
    async close() {
      engine.close();
      await device.close();
    },
  };
}
