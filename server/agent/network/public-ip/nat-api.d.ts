// Types for the parts of @silentbot1/nat-api the router source uses (the package ships none).
declare module '@silentbot1/nat-api/lib/upnp/device.js' {
  export default class Device {
    constructor(opts: { url: string });
    run(action: string, args: [string, string?][]): Promise<Record<string, Record<string, unknown>>>;
  }
}
declare module '@silentbot1/nat-api/lib/upnp/ssdp.js' {
  import type Device from '@silentbot1/nat-api/lib/upnp/device.js';
  export default class Ssdp {
    constructor(opts?: { sourcePort?: number });
    search(st: string, timeoutMs: number): Promise<{ device: Device; address: string } | undefined>;
    destroy(): Promise<void> | void;
  }
}
declare module '@silentbot1/nat-api/lib/pmp/index.js' {
  export default class PmpClient {
    constructor(gateway: string);
    externalIp(): Promise<string>;
    close(): Promise<void>;
  }
}
