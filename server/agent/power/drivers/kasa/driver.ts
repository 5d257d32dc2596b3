// TP-Link Kasa (HS100/HS110/KP115…, legacy XOR protocol on TCP 9999) through the maintained
// `tplink-smarthome-api`. The cycle is two-step and the order matters: arm the countdown rule
// (act = on), read it back, and only then switch off — the off may cut our own link.

import type * as tplinkModule from 'tplink-smarthome-api';
import type { Client as KasaClient, Plug } from 'tplink-smarthome-api';
import { LifelineError } from '../../../../../shared/protocol/errors.js';
import { splitHostPort } from '../../../../host-port.js';
import type { PlugConfig } from '../../config.js';
import type { DriverDeps, PlugDriver, PlugReading } from '../../driver.js';
import { deviceError } from '../device-errors.js';
import { isObject } from '../http.js';

const RULE_NAME = 'lifeline cycle';

/** The library loads with the first Kasa plug, not with the agent. */
let library: Promise<typeof tplinkModule> | undefined;
let loaded: typeof tplinkModule | undefined;
function kasaLibrary(): Promise<typeof tplinkModule> {
  // The package is CommonJS: Node's ESM loader exposes its exports on `default` only.
  library ??= import('tplink-smarthome-api').then((m) => {
    loaded = ((m as unknown as { default?: typeof tplinkModule }).default ?? m) as typeof tplinkModule;
    return loaded;
  });
  return library;
}

export function createKasaDriver(plug: PlugConfig, _deps: DriverDeps): PlugDriver {
  // A bare IPv6 address is a host (the old reading took `fe80::1` for host `fe80:` and port 1).
  const at = splitHostPort(plug.address!) ?? { host: plug.address! };
  const host = at.host;
  const port = at.port ?? 9999;
  const who = `Kasa ${plug.address}`;
  const send = { timeout: plug.timeoutSeconds * 1000, transport: 'tcp' as const };
  let client: KasaClient | undefined;
  let device: Plug | undefined;

  const wrap = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw kasaError(err, who, what);
    }
  };

  const connect = async (): Promise<Plug> => {
    if (device) return device;
    client ??= new (await kasaLibrary()).Client({ defaultSendOptions: send, logLevel: 'silent' });
    const c = client;
    const sysInfo = await wrap('get_sysinfo', () => c.getSysInfo(host, port, send));
    device = c.getPlug({
      host,
      port,
      sysInfo: sysInfo as never,
      ...(plug.channel !== undefined ? { childId: String(plug.channel) } : {}),
    });
    return device;
  };

  const countdownRules = async (p: Plug) => {
    const r = await wrap('count_down.get_rules', () => p.timer.getRules(send));
    const list = isObject(r) && Array.isArray(r.rule_list) ? r.rule_list : undefined;
    if (!list) throw new LifelineError('failed', `${who} sent an unexpected reply (no rule_list)`);
    return list.filter(isObject);
  };

  return {
    capabilities: { power: true, timer: 'two-step', maxCycleSeconds: 3600, push: false },
    async read() {
      const p = await connect();
      await wrap('get_sysinfo', () => p.getSysInfo(send));
      const reading: PlugReading = { on: p.relayState };
      if (p.supportsEmeter) {
        await wrap('emeter.get_realtime', () => p.emeter.getRealtime(send));
        const rt = p.emeter.realtime as { power?: unknown };
        if (typeof rt.power === 'number' && Number.isFinite(rt.power)) reading.watts = rt.power;
      }
      return reading;
    },
    async set(on) {
      const p = await connect();
      await wrap('set_relay_state', () => p.setPowerState(on, send));
      return this.read();
    },
    async cycle(seconds) {
      const p = await connect();
      await wrap('count_down.add_rule', () =>
        p.timer.addRule(
          { delay: seconds, powerState: true, name: RULE_NAME, enable: true, deleteExisting: true },
          send,
        ),
      );
      const armed = (await countdownRules(p)).find(
        (r) => r.enable === 1 && r.act === 1 && r.delay === seconds,
      );
      if (!armed)
        throw new LifelineError('failed', `${who} did not keep the countdown rule; nothing was switched`);
      await wrap('set_relay_state', () => p.setPowerState(false, send));
      // Whether a relay change cancels a running countdown is not documented. When the plug is
      // still reachable, check; if the rule is gone, switch back on at once rather than strand it.
      const after = await countdownRules(p).catch(() => undefined);
      if (after && !after.some((r) => r.enable === 1 && r.act === 1)) {
        await wrap('set_relay_state', () => p.setPowerState(true, send));
        throw new LifelineError(
          'failed',
          `${who} dropped its countdown when switched off; switched it back on`,
        );
      }
      return { evidence: `count_down rule read back (delay ${seconds} s, act on) before set_relay_state 0` };
    },
    close() {
      client?.stopDiscovery();
    },
  };
}

function kasaError(err: unknown, who: string, what: string): LifelineError {
  if (err instanceof LifelineError) return err;
  if (loaded && err instanceof loaded.ResponseError)
    return new LifelineError('failed', `${who} refused ${what}`);
  const e = err as { code?: string; message?: string };
  const known = deviceError.ofSystemCode(who, e?.code);
  if (known) return known;
  if (/timeout/i.test(e?.message ?? '')) return deviceError.timeout(who);
  if (/JSON|Unexpected token/i.test(e?.message ?? '')) return deviceError.notJson(who);
  return new LifelineError('failed', `${who}: ${what} failed`);
}
