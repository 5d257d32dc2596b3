// A TP-Link Kasa HS110 on TCP 9999: 4-byte big-endian length + XOR "autokey" (k = 171) frames,
// module/method JSON (`system`, `emeter`, `count_down`), and the countdown rule that applies
// `act` when its delay runs out ("only one allowed").
import { createServer, type Server, type Socket } from 'node:net';
import { type RelayOptions, SimRelay } from './relay.js';

export function xorEncrypt(plain: Buffer): Buffer {
  const out = Buffer.alloc(plain.length);
  let k = 171;
  for (let i = 0; i < plain.length; i++) k = out[i] = plain[i]! ^ k;
  return out;
}

export function xorDecrypt(cipher: Buffer): Buffer {
  const out = Buffer.alloc(cipher.length);
  let k = 171;
  for (let i = 0; i < cipher.length; i++) {
    out[i] = cipher[i]! ^ k;
    k = cipher[i]!;
  }
  return out;
}

interface Rule {
  id: string;
  name: string;
  enable: number;
  delay: number;
  act: number;
  startedAt: number;
  handle: ReturnType<typeof setTimeout>;
}

export interface KasaSim {
  address: string;
  relay: SimRelay;
  /** Module.method calls seen, in order ("count_down.add_rule", "system.set_relay_state"). */
  calls: string[];
  rules(): Omit<Rule, 'handle'>[];
  close(): Promise<void>;
}

export async function startKasa(
  opts: RelayOptions & { emeter?: boolean; cancelCountdownOnSwitch?: boolean } = {},
): Promise<KasaSim> {
  const relay = new SimRelay(opts);
  const calls: string[] = [];
  let rule: Rule | undefined;
  let nextRule = 1;
  let onSince = Date.now();
  const dropRule = () => {
    if (rule) clearTimeout(rule.handle);
    rule = undefined;
  };
  relay.onChange((on) => {
    if (on) onSince = Date.now();
  });

  const sysinfo = () => ({
    sw_ver: '1.5.10 Build 191125 Rel.093138',
    hw_ver: '2.0',
    type: 'IOT.SMARTPLUGSWITCH',
    model: 'HS110(EU)',
    mac: '50:C7:BF:00:11:22',
    dev_name: 'Smart Wi-Fi Plug With Energy Monitoring',
    alias: 'Cabinet',
    relay_state: relay.on ? 1 : 0,
    on_time: relay.on ? Math.floor((Date.now() - onSince) / 1000) : 0,
    active_mode: 'none',
    feature: opts.emeter === false ? 'TIM' : 'TIM:ENE',
    updating: 0,
    icon_hash: '',
    rssi: -52,
    led_off: 0,
    longitude_i: 0,
    latitude_i: 0,
    hwId: '044A516EE63C875F9458DA25C2CCC5A0',
    fwId: '00000000000000000000000000000000',
    deviceId: '8006F1A2B3C4D5E6F708192A3B4C5D6E7F801234',
    oemId: '1998A14DAA86E4E001FD7CAF42868B5E',
    next_action: { type: -1 },
    err_code: 0,
  });

  const call = (module: string, method: string, args: Record<string, unknown>): unknown => {
    calls.push(`${module}.${method}`);
    if (module === 'system') {
      if (method === 'get_sysinfo') return sysinfo();
      if (method === 'set_relay_state') {
        relay.set(args.state === 1, 'command');
        if (opts.cancelCountdownOnSwitch) dropRule();
        return { err_code: 0 };
      }
      return { err_code: -2, err_msg: 'member not support' };
    }
    if (module === 'emeter' && opts.emeter !== false) {
      if (method === 'get_realtime')
        return {
          current_ma: Math.round((relay.power / 230) * 1000),
          voltage_mv: 230100,
          power_mw: Math.round(relay.power * 1000),
          total_wh: 4321,
          err_code: 0,
        };
      return { err_code: -2, err_msg: 'member not support' };
    }
    if (module === 'count_down') {
      if (method === 'get_rules') {
        const list = rule
          ? [
              {
                id: rule.id,
                name: rule.name,
                enable: rule.enable,
                delay: rule.delay,
                act: rule.act,
                remain: Math.max(0, rule.delay - Math.floor((Date.now() - rule.startedAt) / 1000)),
              },
            ]
          : [];
        return { rule_list: list, err_code: 0 };
      }
      if (method === 'delete_all_rules') {
        dropRule();
        return { err_code: 0 };
      }
      if (method === 'add_rule') {
        if (rule) return { err_code: -10, err_msg: 'table is full' };
        const delay = Number(args.delay);
        if (!Number.isInteger(delay) || delay <= 0) return { err_code: -3, err_msg: 'invalid argument' };
        const act = args.act === 1 ? 1 : 0;
        const id = `${String(nextRule++).padStart(2, '0')}D5F7A1B2C3D4E5F6A7B8C9D0E1F2A3B`;
        const r: Rule = {
          id,
          name: String(args.name ?? ''),
          enable: args.enable === 1 ? 1 : 0,
          delay,
          act,
          startedAt: Date.now(),
          handle: setTimeout(() => {
            rule = undefined;
            relay.set(act === 1, 'timer');
          }, delay * 1000),
        };
        if (!r.enable) clearTimeout(r.handle);
        rule = r;
        return { id, err_code: 0 };
      }
      return { err_code: -2, err_msg: 'member not support' };
    }
    return { err_code: -1, err_msg: 'module not support' };
  };

  const answer = (request: unknown): unknown => {
    const out: Record<string, Record<string, unknown>> = {};
    if (typeof request !== 'object' || request === null) return { err_code: -1 };
    for (const [module, methods] of Object.entries(request as Record<string, Record<string, unknown>>)) {
      if (module === 'context') continue;
      out[module] = {};
      for (const [method, args] of Object.entries(methods ?? {})) {
        const r = call(module, method, (args ?? {}) as Record<string, unknown>);
        if ((r as { err_msg?: string }).err_msg === 'module not support')
          out[module] = r as Record<string, unknown>;
        else out[module]![method] = r;
      }
    }
    return out;
  };

  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
        const len = buf.readUInt32BE(0);
        const frame = buf.subarray(4, 4 + len);
        buf = buf.subarray(4 + len);
        if (!relay.answering) continue;
        const plain =
          relay.fault === 'garbage'
            ? Buffer.from('HTTP/1.1 400 Bad Request')
            : Buffer.from(JSON.stringify(answerSafely(frame)));
        const body = xorEncrypt(plain);
        const head = Buffer.alloc(4);
        head.writeUInt32BE(body.length, 0);
        socket.write(Buffer.concat([head, body]));
      }
    });
  });
  const answerSafely = (frame: Buffer) => {
    try {
      return answer(JSON.parse(xorDecrypt(frame).toString('utf8')));
    } catch {
      return { err_code: -1, err_msg: 'json format error' };
    }
  };
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    address: `127.0.0.1:${(server.address() as { port: number }).port}`,
    relay,
    calls,
    rules: () => (rule ? [{ ...rule, handle: undefined } as unknown as Omit<Rule, 'handle'>] : []),
    async close() {
      dropRule();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      relay.close();
    },
  };
}
