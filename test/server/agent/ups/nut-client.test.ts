// The NUT client against Debian's upsd with dummy-ups drivers: reads, login, and the errors an
// owner meets when the config or upsd is wrong.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NutClient } from '../../../../server/agent/ups/nut-client.js';
import { LifelineError } from '../../../../shared/protocol/errors.js';
import { startUpsd, type Upsd } from '../../../harness/upsd.js';

// A password with a space, a quote and a backslash: the client must quote it as upsd expects.
const PASSWORD = 'p a"ss\\w';

let upsd: Upsd;
beforeAll(async () => {
  upsd = await startUpsd({
    upses: [
      {
        name: 'rack',
        description: 'Rack UPS',
        values: {
          'ups.mfr': 'APC',
          'ups.model': 'Back-UPS 700',
          'battery.charge': 100,
          'battery.runtime': 1380,
          'ups.load': 23,
          'input.voltage': 230.1,
        },
      },
      { name: 'desk', description: 'Desk UPS', values: { 'battery.charge': 80 } },
    ],
    users: [{ username: 'monitor', password: PASSWORD }],
  });
});
afterAll(() => upsd?.close());

const client = (extra: Partial<ConstructorParameters<typeof NutClient>[0]> = {}) =>
  new NutClient({ host: upsd.host, port: upsd.port, ...extra });

async function failure(p: Promise<unknown>): Promise<LifelineError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LifelineError);
  return err as LifelineError;
}

describe('NutClient against upsd', () => {
  it('lists the UPSes and reads their variables', async () => {
    const c = client();
    try {
      const upses = await c.listUps();
      expect(upses.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
        { name: 'desk', description: 'Desk UPS' },
        { name: 'rack', description: 'Rack UPS' },
      ]);
      const vars = await c.listVars('rack');
      expect(vars).toMatchObject({
        'ups.status': 'OL',
        'battery.charge': '100',
        'battery.runtime': '1380',
        'ups.load': '23',
        'input.voltage': '230.1',
        'ups.model': 'Back-UPS 700',
      });
      expect(await c.getVar('desk', 'battery.charge')).toBe('80');
    } finally {
      await c.close();
    }
  });

  it('logs in with the right password, even one that needs quoting', async () => {
    const c = client({ auth: { username: 'monitor', password: PASSWORD } });
    try {
      await c.login('rack');
      expect((await c.listVars('rack'))['ups.status']).toBe('OL');
    } finally {
      await c.close();
    }
  });

  it('says the login was refused when the password is wrong', async () => {
    const c = client({ auth: { username: 'monitor', password: 'wrong' } });
    try {
      const err = await failure(c.login('rack'));
      expect(err.code).toBe('refused');
      expect(err.params?.reason).toBe('access-denied');
      expect(err.message).toContain('"monitor"');
      expect(err.message).toContain('wrong username or password');
      // A second try on the same client meets the same answer, not a confused upsd.
      expect((await failure(c.login('rack'))).params?.reason).toBe('access-denied');
    } finally {
      await c.close();
    }
  });

  it('names the UPSes upsd has when asked for one it has not', async () => {
    const c = client();
    try {
      const err = await failure(c.listVars('garage'));
      expect(err.code).toBe('not-found');
      expect(err.message).toBe(`upsd at ${upsd.address} has no UPS named "garage": it has "desk", "rack"`);
      // The connection stays usable after an ERR.
      expect(await c.getVar('rack', 'ups.status')).toBe('OL');
    } finally {
      await c.close();
    }
  });

  it('says a variable is not reported', async () => {
    const c = client();
    try {
      const err = await failure(c.getVar('rack', 'battery.temperature'));
      expect(err.params).toMatchObject({ reason: 'variable-not-supported', variable: 'battery.temperature' });
    } finally {
      await c.close();
    }
  });

  it('reports a stopped driver', async () => {
    const c = client();
    try {
      await upsd.stopDriver('desk');
      const err = await failure(c.listVars('desk'));
      expect(err.code).toBe('unreachable');
      expect(err.params?.reason).toBe('driver-not-connected');
      expect(err.message).toContain('the driver is not running');
    } finally {
      await upsd.startDriver('desk');
      await c.close();
    }
  });

  it('reports upsd down as unreachable, and works again on the same client once it is back', async () => {
    const c = client({ auth: { username: 'monitor', password: PASSWORD } });
    try {
      await c.login('rack');
      expect((await c.listVars('rack'))['ups.status']).toBe('OL');
      await upsd.stop();
      const err = await failure(c.listVars('rack'));
      expect(err.code).toBe('unreachable');
      expect(err.message).toContain(upsd.address);
      await upsd.start();
      // Reconnected and logged in again by itself.
      expect((await c.listVars('rack'))['ups.status']).toBe('OL');
    } finally {
      await c.close();
    }
  });

  it('reuses one connection across reads', async () => {
    let opened = 0;
    const c = client({
      connect: (port, host) => {
        opened++;
        return connect(port, host);
      },
    });
    try {
      for (let i = 0; i < 5; i++) await c.listVars('rack');
      expect(opened).toBe(1);
    } finally {
      await c.close();
    }
  });
});
