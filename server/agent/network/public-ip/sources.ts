// Where the public address comes from. Each source answers for one family at a time and throws a
// LifelineError saying why when it cannot; the watcher weighs them against each other.
import type { IpFamily } from '../../../../shared/protocol/network.js';

export interface AddressSource {
  /** Stable id shown to the user: `echo:icanhazip.com`, `router:upnp`, `router:natpmp`, `relay`. */
  readonly id: string;
  readonly families: readonly IpFamily[];
  read(family: IpFamily, signal: AbortSignal): Promise<string>;
  stop?(): Promise<void> | void;
}
