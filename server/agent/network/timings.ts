// The timings in force: the defaults (constants.ts) unless the config says otherwise.
import type { NetworkConfig } from './config.js';
import {
  DDNS_RESYNC_INTERVAL_MS,
  DDNS_RETRY_FIRST_MS,
  DDNS_RETRY_MAX_MS,
  DNS_CHECK_INTERVAL_MS,
  PUBLIC_IP_INTERVAL_MS,
  STALE_GRACE_MS,
} from './constants.js';

export interface NetTimings {
  publicIpMs: number;
  dnsCheckMs: number;
  staleGraceMs: number;
  ddnsRetryFirstMs: number;
  ddnsRetryMaxMs: number;
  ddnsResyncMs: number;
}

export function timingsFrom(net: NetworkConfig): NetTimings {
  const dnsCheckMs = net.checkIntervalSeconds ? net.checkIntervalSeconds * 1000 : DNS_CHECK_INTERVAL_MS;
  return {
    publicIpMs: net.publicIp?.intervalSeconds ? net.publicIp.intervalSeconds * 1000 : PUBLIC_IP_INTERVAL_MS,
    dnsCheckMs,
    staleGraceMs: net.staleGraceSeconds !== undefined ? net.staleGraceSeconds * 1000 : STALE_GRACE_MS,
    ddnsRetryFirstMs: Math.min(DDNS_RETRY_FIRST_MS, dnsCheckMs),
    ddnsRetryMaxMs: DDNS_RETRY_MAX_MS,
    ddnsResyncMs: Math.min(DDNS_RESYNC_INTERVAL_MS, dnsCheckMs),
  };
}
