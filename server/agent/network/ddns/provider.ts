// What every DDNS provider offers the updater. Errors are LifelineErrors whose message names the
// cause (wrong token, unknown zone, server down) and never carries the secret.
import type { IpFamily } from '../../../../shared/protocol/network.js';

/** DNS-01 (ACME): one TXT value added beside any others at `name`, later that same value removed. */
export interface TxtWriter {
  setTxt(name: string, value: string): Promise<void>;
  removeTxt(name: string, value: string): Promise<void>;
}

export interface DdnsProvider extends TxtWriter {
  readonly provider: 'cloudflare' | 'duckdns' | 'rfc2136';
  /** What the record holds now, as the provider (or its authoritative server) sees it; undefined if it cannot say. */
  current(family: IpFamily): Promise<string[] | undefined>;
  update(family: IpFamily, address: string): Promise<void>;
  /** Reads the record back after an update; undefined when the provider cannot be read. */
  verify(family: IpFamily, address: string): Promise<boolean | undefined>;
  /** Proves the credentials work without changing anything; returns a one-line detail. */
  checkCredentials(): Promise<string>;
  /** True when the provider answers DNS with its own addresses (Cloudflare's orange cloud). */
  readonly proxied?: boolean;
  stop?(): void;
}
