// The router's own idea of its WAN address, over UPnP-IGD (WANIPConnection / WANPPPConnection,
// GetExternalIPAddress) or NAT-PMP (opcode 0), through @silentbot1/nat-api. Only IPv4: neither
// protocol reports an IPv6 prefix. A private or shared (100.64/10) WAN address means double NAT or
// carrier-grade NAT — worth saying loudly, because then no DNS name can reach home.
import { readFile } from 'node:fs/promises';
import PmpClient from '@silentbot1/nat-api/lib/pmp/index.js';
import Device from '@silentbot1/nat-api/lib/upnp/device.js';
import Ssdp from '@silentbot1/nat-api/lib/upnp/ssdp.js';
import { LifelineError } from '../../../../shared/protocol/errors.js';
import { canonical, classify, familyOf } from '../../../dns/addresses.js';
import { REQUEST_TIMEOUT_MS } from '../constants.js';
import type { AddressSource } from './sources.js';

const IGD = 'urn:schemas-upnp-org:device:InternetGatewayDevice:1';

/** Raised for a WAN address that is not public: the watcher shows it as a warning, not an address. */
export class NotPublicError extends LifelineError {
  constructor(
    readonly address: string,
    readonly kind: 'private' | 'cgnat',
  ) {
    super(
      'failed',
      kind === 'cgnat'
        ? `the router's WAN address ${address} is carrier-grade NAT (100.64.0.0/10): a DNS name cannot reach home`
        : `the router's WAN address ${address} is private: another router is in front of it (double NAT)`,
    );
  }
}

function checkWan(text: unknown): string {
  if (typeof text !== 'string' || familyOf(text) !== 'ipv4')
    throw new LifelineError('failed', 'the router gave no usable WAN address');
  const kind = classify(text);
  if (kind !== 'public') throw new NotPublicError(text, kind);
  return canonical(text);
}

function withTimeout<T>(work: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new LifelineError('timeout', `${what}: no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)),
      REQUEST_TIMEOUT_MS,
    );
    const abort = () => reject(new LifelineError('unreachable', `${what}: cancelled`));
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', abort);
    });
  });
}

function describe(err: unknown, what: string): LifelineError {
  if (err instanceof LifelineError) return err;
  const e = err as NodeJS.ErrnoException;
  const why = e?.code === 'ECONNREFUSED' ? 'connection refused' : (e?.message ?? 'failed');
  return new LifelineError('unreachable', `${what}: ${why}`);
}

/** UPnP-IGD at a known description URL, or found by SSDP when `auto`. */
export function upnpSource(location: 'auto' | string): AddressSource {
  let device: Device | undefined = location === 'auto' ? undefined : new Device({ url: location });
  const find = async (): Promise<Device> => {
    if (device) return device;
    const ssdp = new Ssdp();
    try {
      const found = await ssdp.search(IGD, REQUEST_TIMEOUT_MS - 500);
      if (!found) throw new LifelineError('unreachable', 'no UPnP internet gateway answered');
      device = found.device;
      return device;
    } catch (err) {
      throw err instanceof LifelineError
        ? err
        : new LifelineError('unreachable', 'no UPnP internet gateway answered (is UPnP on?)');
    } finally {
      await ssdp.destroy();
    }
  };
  return {
    id: 'router:upnp',
    families: ['ipv4'],
    async read(_family, signal) {
      try {
        return await withTimeout(
          (async () => {
            const gw = await find();
            const reply = await gw.run('GetExternalIPAddress', []);
            const key = Object.keys(reply).find((k) => /(^|:)GetExternalIPAddressResponse$/.test(k));
            return checkWan(key ? reply[key]?.NewExternalIPAddress : undefined);
          })(),
          signal,
          'UPnP gateway',
        );
      } catch (err) {
        // A gateway found by discovery may have moved (new DHCP lease); look again next time.
        if (location === 'auto' && !(err instanceof NotPublicError)) device = undefined;
        throw describe(err, 'UPnP gateway');
      }
    },
  };
}

/** The IPv4 default gateway from the kernel's routing table (Linux), for NAT-PMP `auto`. */
export async function defaultGateway(): Promise<string | undefined> {
  let table: string;
  try {
    table = await readFile('/proc/net/route', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of table.split('\n').slice(1)) {
    const [, dest, gw, flags] = line.trim().split(/\s+/);
    if (dest !== '00000000' || !gw || !flags || (Number.parseInt(flags, 16) & 2) === 0) continue;
    const n = Number.parseInt(gw, 16);
    return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join('.');
  }
  return undefined;
}

export function natpmpSource(gateway: 'auto' | string): AddressSource {
  return {
    id: 'router:natpmp',
    families: ['ipv4'],
    async read(_family, signal) {
      const host = gateway === 'auto' ? await defaultGateway() : gateway;
      if (!host) throw new LifelineError('unreachable', 'NAT-PMP: no default gateway');
      const client = new PmpClient(host);
      try {
        return await withTimeout(client.externalIp().then(checkWan), signal, `NAT-PMP gateway ${host}`);
      } catch (err) {
        throw describe(err, `NAT-PMP gateway ${host}`);
      } finally {
        await client.close().catch(() => {});
      }
    },
  };
}
