// What every plug driver promises (STYLE convention 15), run against each driver with its
// simulator. The production driver talks to the simulator unchanged, over real sockets.
import { afterEach, describe, expect, it } from 'vitest';
import type { PlugDriver, TimerKind } from '../../../../server/agent/power/driver.js';
import { LifelineError } from '../../../../shared/protocol/errors.js';
import { waitFor } from '../../../harness/agent.js';
import type { SimRelay } from '../../../simulators/relay.js';

export interface DriverUnderTest {
  driver: PlugDriver;
  relay: SimRelay;
  close(): Promise<void>;
}

export interface ContractExpectations {
  timer: TimerKind;
  power: boolean;
  /** Drivers whose device speaks HTTP/TCP/UDP can be made to answer garbage. */
  garbage?: boolean;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return err instanceof LifelineError ? err.code : `non-LifelineError: ${String(err)}`;
  }
}

export function plugDriverContract(
  name: string,
  make: (opts: { on: boolean }) => Promise<DriverUnderTest>,
  expects: ContractExpectations,
): void {
  describe(`${name} driver (contract)`, () => {
    let d: DriverUnderTest | undefined;
    const start = async (on = true) => {
      d = await make({ on });
      return d;
    };
    afterEach(async () => {
      d?.driver.close();
      await d?.close();
      d = undefined;
    });

    it('declares what the device really supports', async () => {
      const { driver } = await start();
      expect(driver.capabilities.timer).toBe(expects.timer);
      expect(driver.capabilities.power).toBe(expects.power);
      expect(driver.capabilities.maxCycleSeconds > 0).toBe(expects.timer !== 'none');
    });

    it('reads the relay state and the power the device reports', async () => {
      const { driver, relay } = await start(true);
      const r = await driver.read();
      expect(r.on).toBe(true);
      if (expects.power) expect(r.watts).toBeCloseTo(relay.watts, 1);
      else expect(r.watts).toBeUndefined();
    });

    it('switches off and on, and returns the state the device reports', async () => {
      const { driver, relay } = await start(true);
      expect((await driver.set(false)).on).toBe(false);
      expect(relay.on).toBe(false);
      expect((await driver.set(true)).on).toBe(true);
      expect(relay.on).toBe(true);
    });

    it('sees a change made at the device itself', async () => {
      const { driver, relay } = await start(true);
      await driver.read();
      relay.press();
      await waitFor(async () => (await driver.read()).on === false, 10_000, 'the pressed button to show');
    });

    if (expects.timer === 'none') {
      it('refuses a power-cycle and leaves the relay alone', async () => {
        const { driver, relay } = await start(true);
        expect(await codeOf(driver.cycle(5))).toBe('unsupported');
        expect(relay.on).toBe(true);
        expect(relay.offs()).toBe(0);
      });
    } else {
      it('power-cycles on the device: off at once, back on by the device timer alone', async () => {
        const { driver, relay } = await start(true);
        const receipt = await driver.cycle(1);
        expect(receipt.evidence.length).toBeGreaterThan(0);
        await waitFor(() => relay.offs() === 1, 5_000, 'the device to switch off');
        await waitFor(() => relay.on, 15_000, 'the device timer to switch it back on');
        expect(relay.history.at(-1)).toMatchObject({ on: true, source: 'timer' });
      });
    }

    it('reports a device that does not answer as a timeout, not a crash', async () => {
      const { driver, relay } = await start(true);
      relay.fault = 'silent';
      expect(await codeOf(driver.read())).toBe('timeout');
      expect(await codeOf(driver.set(false))).toBe('timeout');
      expect(relay.on).toBe(true);
    });

    if (expects.garbage !== false)
      it('reports a garbage reply as a clear failure', async () => {
        const { driver, relay } = await start(true);
        relay.fault = 'garbage';
        expect(await codeOf(driver.read())).toBe('failed');
      });
  });
}
