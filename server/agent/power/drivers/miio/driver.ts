// Xiaomi miIO / MIoT plugs over UDP 54321: hello handshake (device id and clock), then
// `get_properties` / `set_properties` in token-encrypted packets. Devices ignore packets with a
// wrong checksum, so a wrong token shows up as "answers hello, ignores commands".
import { createSocket, type Socket } from 'node:dgram';
import { LifelineError } from '../../../../../shared/protocol/errors.js';
import type { PlugConfig } from '../../config.js';
import type { DriverDeps, PlugDriver, PlugReading } from '../../driver.js';
import { isObject } from '../http.js';
import { type MiotProp, miotModel } from './models.js';
import { decodePacket, encodePacket, HELLO, MIIO_PORT, miioKeys, parseHeader } from './packet.js';

/** Devices drop a session's clock after a while; shake hands again before it gets stale. */
const HANDSHAKE_MAX_AGE_MS = 60_000;

export function createMiioDriver(plug: PlugConfig, deps: DriverDeps): PlugDriver {
  const m = plug.address!.match(/^\[?([^\]]+?)\]?(?::(\d+))?$/);
  const host = m?.[1] ?? plug.address!;
  const port = m?.[2] ? Number(m[2]) : MIIO_PORT;
  const who = `miIO ${plug.address}`;
  const keys = miioKeys(plug.token!);
  const model = miotModel(plug.model);
  const timeoutMs = plug.timeoutSeconds * 1000;
  let socket: Socket | undefined;
  let session: { deviceId: number; stamp: number; at: number } | undefined;
  let nextId = 1;
  let helloWaiter: ((packet: Buffer) => void) | undefined;
  const pending = new Map<number, (reply: Record<string, unknown>) => void>();
  let garbled: ((err: LifelineError) => void) | undefined;

  const open = (): Socket => {
    if (socket) return socket;
    const s = createSocket('udp4');
    s.on('error', () => undefined);
    s.on('message', (packet) => {
      if (packet.length === 32) return helloWaiter?.(packet);
      const json = decodePacket(keys, packet);
      if (json === undefined) return;
      let reply: unknown;
      try {
        reply = JSON.parse(json);
      } catch {
        garbled?.(new LifelineError('failed', `${who} sent a reply that is not JSON`));
        return;
      }
      if (isObject(reply) && typeof reply.id === 'number') pending.get(reply.id)?.(reply);
    });
    s.unref();
    socket = s;
    return s;
  };

  const wait = <T>(register: (done: (v: T) => void) => () => void, what: LifelineError): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        unregister();
        reject(what);
      }, timeoutMs);
      garbled = (err) => {
        clearTimeout(timer);
        unregister();
        reject(err);
      };
      const unregister = register((v) => {
        clearTimeout(timer);
        unregister();
        resolve(v);
      });
    });

  const handshake = async () => {
    const now = deps.clock.now();
    if (session && now - session.at < HANDSHAKE_MAX_AGE_MS) return session;
    const s = open();
    const reply = wait<Buffer>(
      (done) => {
        helloWaiter = done;
        return () => {
          helloWaiter = undefined;
        };
      },
      new LifelineError('timeout', `${who} did not answer the miIO hello`),
    );
    s.send(HELLO, port, host);
    const header = parseHeader(await reply);
    if (!header) throw new LifelineError('failed', `${who} sent a malformed hello reply`);
    session = { deviceId: header.deviceId, stamp: header.stamp, at: deps.clock.now() };
    return session;
  };

  const call = async (method: string, params: unknown[]): Promise<unknown> => {
    const sess = await handshake();
    const id = nextId++;
    if (nextId > 0x7fffffff) nextId = 1;
    const elapsed = Math.floor((deps.clock.now() - sess.at) / 1000);
    const packet = encodePacket(
      keys,
      sess.deviceId,
      sess.stamp + elapsed + 1,
      JSON.stringify({ id, method, params }),
    );
    const reply = wait<Record<string, unknown>>(
      (done) => {
        pending.set(id, done);
        return () => pending.delete(id);
      },
      new LifelineError('timeout', `${who} answers hello but ignored ${method}: is the token right?`),
    );
    open().send(packet, port, host);
    const r = await reply.catch((err) => {
      session = undefined;
      throw err;
    });
    if (isObject(r.error))
      throw new LifelineError(
        'failed',
        `${who} refused ${method}: ${String(r.error.message ?? r.error.code)}`,
      );
    return r.result;
  };

  const props = async (items: MiotProp[]) => {
    const result = await call(
      'get_properties',
      items.map((p) => ({ did: `${p.siid}-${p.piid}`, siid: p.siid, piid: p.piid })),
    );
    if (!Array.isArray(result))
      throw new LifelineError('failed', `${who} sent an unexpected reply (no result list)`);
    return items.map((p) => {
      const r = result.find((x) => isObject(x) && x.siid === p.siid && x.piid === p.piid);
      return isObject(r) && r.code === 0 ? r.value : undefined;
    });
  };

  return {
    capabilities: { power: model.power !== undefined, timer: 'none', maxCycleSeconds: 0, push: false },
    async read() {
      const [on, power] = await props(model.power ? [model.switch, model.power] : [model.switch]);
      if (typeof on !== 'boolean')
        throw new LifelineError(
          'failed',
          `${who} did not report its switch (siid ${model.switch.siid} piid ${model.switch.piid})`,
        );
      const reading: PlugReading = { on };
      if (model.power && typeof power === 'number' && Number.isFinite(power))
        reading.watts = power * model.power.scale;
      return reading;
    },
    async set(on) {
      const result = await call('set_properties', [
        { did: 'switch', siid: model.switch.siid, piid: model.switch.piid, value: on },
      ]);
      const r = Array.isArray(result) ? result[0] : undefined;
      if (!isObject(r) || r.code !== 0)
        throw new LifelineError(
          'failed',
          `${who} refused to switch (code ${isObject(r) ? String(r.code) : '?'})`,
        );
      return this.read();
    },
    async cycle() {
      throw new LifelineError(
        'unsupported',
        `${who} (${plug.model ?? 'unknown model'}) has no device timer that turns it back on`,
      );
    },
    close() {
      pending.clear();
      socket?.close();
      socket = undefined;
    },
  };
}
