// The relay's view of this agent's connection (entity `relay`/`link`, published by the relay link):
// the address the relay sees us connect from is one more independent witness.

import { LifelineError } from '../../../../shared/protocol/errors.js';
import type { IpFamily } from '../../../../shared/protocol/network.js';
import { canonical, classify, familyOf } from '../../../dns/addresses.js';
import type { AddressSource } from './sources.js';

export const RELAY_KIND = 'relay';
export const RELAY_ID = 'link';

export function relaySource(read: () => unknown): AddressSource {
  return {
    id: 'relay',
    families: ['ipv4', 'ipv6'],
    async read(family: IpFamily) {
      const link = read() as { connected?: unknown; observedAddress?: unknown } | undefined;
      if (link?.connected !== true) throw new LifelineError('unreachable', 'not connected to the relay');
      const address = typeof link.observedAddress === 'string' ? link.observedAddress : undefined;
      if (!address || familyOf(address) === undefined)
        throw new LifelineError('unsupported', 'the relay reports no address');
      if (familyOf(address) !== family)
        throw new LifelineError('unsupported', `connected to the relay over ${familyOf(address)}`);
      if (classify(address) !== 'public')
        throw new LifelineError(
          'failed',
          `the relay sees ${address}, not a public address (relay on the LAN?)`,
        );
      return canonical(address);
    },
  };
}
