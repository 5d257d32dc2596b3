// `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address, as config files write where a
// device or server is (a plug, a UPS, a DNS server). One reading for all of them: a bare IPv6
// address is a host with no port (never "fe80:" and port 1), and a port is 1–65535.

export interface HostPort {
  /** Without brackets. */
  host: string;
  /** Undefined when the text gives none: the caller's default applies. */
  port?: number;
}

/** The host and port `text` names, or undefined when its port is not a number from 1 to 65535. */
export function splitHostPort(text: string): HostPort | undefined {
  let host = text;
  let port: string | undefined;
  const bracketed = /^\[([^\]]*)\](?::([^:]*))?$/.exec(text);
  if (bracketed) [host, port] = [bracketed[1]!, bracketed[2]];
  else if ((text.match(/:/g) ?? []).length === 1) [host, port] = text.split(':') as [string, string];
  if (port === undefined) return { host };
  const n = Number(port);
  if (!/^\d{1,5}$/.test(port) || n < 1 || n > 65535) return undefined;
  return { host, port: n };
}
