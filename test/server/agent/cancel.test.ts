// Cancelling a pending confirmation through real sessions on a real agent: the owner's "no" is in
// the audit log as cancelled, the challenge can no longer run anything, and neither another device
// nor a confirm frame with a `cancel` flag in it can do what a cancel frame does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentClient, CommandOutcome } from '../../../shared/client/agent-client.js';
import { ActivityList } from '../../../shared/protocol/activity.js';
import type { Confirmation } from '../../../shared/protocol/frames.js';
import { PowerOff } from '../../../shared/protocol/power.js';
import { pairDevice, type TestAgent } from '../../harness/agent.js';
import { type LampHome, startLampHome } from '../../harness/lamp-home.js';
import type { TasmotaSim } from '../../simulators/tasmota.js';

let home: LampHome;
let t: TestAgent;
let lamp: TasmotaSim;
let alice: AgentClient;
let bob: AgentClient;

beforeAll(async () => {
  home = await startLampHome();
  ({ t, lamp } = home);
  alice = (await pairDevice(t, 'alice phone')).client;
  bob = (await pairDevice(t, 'bob laptop')).client;
}, 30_000);

afterAll(async () => {
  alice?.close();
  bob?.close();
  await home?.close();
});

/** Asks to switch the lamp off: the guard wants a confirmation (hold to confirm, no typed name). */
async function askOff(client: AgentClient): Promise<Confirmation> {
  const first = await client.run(PowerOff, { target: 'lamp' });
  if (first.status !== 'confirm') throw new Error(`expected a confirmation, got ${first.status}`);
  expect(first.confirm.typeToConfirm).toBeUndefined();
  return first.confirm;
}

/** The audit row of the request that asked for `confirm`, as the Activity screen reads it. */
async function askedRow(client: AgentClient) {
  const r = await client.run(ActivityList, { args: { limit: 50 } });
  if (r.status !== 'ok') throw new Error(r.status);
  return r.data.audit.find((a) => a.action === 'power.off' && a.decision === 'confirm-required')!;
}

describe('cancelling a confirmation', () => {
  it('is audited as cancelled, and a confirm of the same challenge afterwards runs nothing', async () => {
    const { challenge } = await askOff(alice);
    expect(await alice.cancel(challenge)).toEqual({ status: 'cancelled' });
    expect(await askedRow(alice)).toMatchObject({ resolution: 'cancelled', outcome: 'refused' });
    const late = await alice.run(PowerOff, { target: 'lamp' }, { confirm: { challenge } });
    expect(late).toMatchObject({ status: 'error', error: { code: 'challenge-invalid' } });
    expect(lamp.relay.on).toBe(true);
    // A second cancel of it changes nothing, and says so.
    expect(await alice.cancel(challenge)).toMatchObject({
      status: 'error',
      error: { code: 'challenge-invalid', message: expect.stringContaining('nothing to cancel') },
    });
  });

  it('by another device changes nothing: the asking device can still confirm', async () => {
    const { challenge } = await askOff(alice);
    expect(await bob.cancel(challenge)).toMatchObject({
      status: 'error',
      error: { code: 'challenge-invalid' },
    });
    const row = await askedRow(alice);
    expect(row.outcome).toBe('pending');
    expect(row.resolution).toBeUndefined();
    const done = await alice.run(PowerOff, { target: 'lamp' }, { confirm: { challenge } });
    expect(done.status).toBe('ok');
    expect(lamp.relay.on).toBe(false);
    expect((await askedRow(alice)).resolution).toBe('confirmed');
    lamp.relay.set(true, 'test');
  });

  it('is not what a confirm with a `cancel` flag does: that is refused as a bad frame and runs nothing', async () => {
    // The unsafe encoding a client must never use: an agent that did not know the flag would drop
    // it and read a confirmation. This agent refuses the whole frame instead.
    const { challenge } = await askOff(alice);
    const flagged: CommandOutcome = await alice.command('power.off', {
      target: 'lamp',
      confirm: { challenge, cancel: true } as { challenge: string },
    });
    expect(flagged).toMatchObject({ status: 'error', error: { code: 'bad-frame' } });
    expect(lamp.relay.on).toBe(true);
    // Not a cancel either: the request still waits for its answer.
    expect((await askedRow(alice)).outcome).toBe('pending');
    expect(await alice.cancel(challenge)).toEqual({ status: 'cancelled' });
  });

  it('of an unknown challenge is answered, and the session carries on', async () => {
    expect(await alice.cancel('x'.repeat(24))).toMatchObject({
      status: 'error',
      error: { code: 'challenge-invalid' },
    });
    expect((await alice.run(ActivityList, { args: { limit: 1 } })).status).toBe('ok');
  });

  // Last: it restarts the agent.
  it('ends a request still waiting for its confirmation when the agent restarts, as interrupted', async () => {
    await askOff(alice);
    const asked = await askedRow(alice);
    expect(asked).toMatchObject({ outcome: 'pending' });
    await t.restart();
    const { client } = await pairDevice(t, 'after restart');
    try {
      const r = await client.run(ActivityList, { args: { limit: 50 } });
      if (r.status !== 'ok') throw new Error(r.status);
      expect(r.data.audit.find((a) => a.id === asked.id)).toMatchObject({
        resolution: 'interrupted',
        outcome: 'refused',
      });
    } finally {
      client.close();
    }
  });
});
