// The network capability's default timings, in one place: the benchmark (bench/net.mjs) measures how
// long a changed public address takes to be detected and fixed with exactly these.

/** How often the public address is asked of every source. */
export const PUBLIC_IP_INTERVAL_MS = 60_000;
/** While every source of a family (or a resolver) fails, ask again this soon: recovery in seconds (SPEC §7.1). */
export const DEGRADED_RETRY_MS = 5_000;
/** How often every watched name is resolved through every resolver. */
export const DNS_CHECK_INTERVAL_MS = 60_000;
/** A mismatch becomes `network.dns-stale` after the longest TTL seen plus this. */
export const STALE_GRACE_MS = 300_000;
/** One HTTP(S) echo request, one router query, one DNS query or update. */
export const REQUEST_TIMEOUT_MS = 5_000;
/** DDNS retry backoff: doubles from the first step up to the cap, then stays there — forever. */
export const DDNS_RETRY_FIRST_MS = 5_000;
export const DDNS_RETRY_MAX_MS = 300_000;
/** A DDNS record whose provider says "done" is re-checked against the authoritative answer this often. */
export const DDNS_RESYNC_INTERVAL_MS = 60_000;
/** How many address changes each family keeps. */
export const IP_HISTORY_LIMIT = 50;
/** TTLs beyond this do not stretch the stale deadline (a week-long TTL must not hide a dead name). */
export const MAX_TTL_CONSIDERED_S = 3_600;

/** Public echo services asked when `network.publicIp.echo` is not configured. Each answers plain text. */
export const DEFAULT_ECHO_ENDPOINTS = [
  'https://api64.ipify.org',
  'https://icanhazip.com',
  'https://ident.me',
] as const;
