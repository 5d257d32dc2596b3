import { afterEach, describe, expect, it } from 'vitest';
import { AuditRepo } from '../../../server/store/audit-repo.js';
import { sessionUrl } from '../../../shared/pairing-link.js';
import { openClientSession } from '../../../shared/session/client-session.js';
import { generateIdentity } from '../../../shared/session/keys.js';
import {
  connectDevice,
  ManualClock,
  openSocket,
  pairDevice,
  startTestAgent,
  type TestAgent,
  waitFor,
} from '../../harness/agent.js';

let t: TestAgent;
afterEach(async () => {
  await t?.close();
});

const client = { kind: 'ctl' as const, version: 'test' };

describe('agent sessions', () => {
  it('pairs a device with a one-time code and shows it in the device list', async () => {
    t = await startTestAgent();
    const { client: c, device } = await pairDevice(t, 'phone');
    expect(c.welcome.device).toEqual({ id: device.id, name: 'phone' });
    expect(c.welcome.agent.homeId).toBe(t.agent.homeId);
    await waitFor(() => c.get('devices', device.id)?.sessions === 1, 5000, 'device entity');
    c.close();
  });

  it('tells open sessions of a burst of connections once, not once per connection', async () => {
    // Every presence change is sealed for every open session: one update per connection would
    // make a burst of N connections cost N² encryptions on the agent.
    t = await startTestAgent();
    const { client: first, device, agentKey } = await pairDevice(t, 'phone');
    await waitFor(() => first.get('devices', device.id)?.sessions === 1, 5000, 'first session');
    let updates = 0;
    t.agent.state.subscribe((u) => {
      if (u.entity?.kind === 'devices' || u.removed?.kind === 'devices') updates++;
    });
    const burst = await Promise.all(Array.from({ length: 30 }, () => connectDevice(t, device, agentKey)));
    await waitFor(() => first.get('devices', device.id)?.sessions === 31, 5000, '31 sessions shown');
    expect(updates).toBeLessThanOrEqual(3);
    for (const c of burst) c.close();
    await waitFor(() => first.get('devices', device.id)?.sessions === 1, 5000, 'back to one session');
    expect(updates).toBeLessThanOrEqual(6);
    first.close();
  });

  it('refuses a key that was never paired, with a clear reason', async () => {
    t = await startTestAgent();
    const { identity } = await generateIdentity(false);
    const { transport } = await openSocket(sessionUrl(t.url, t.agent.homeId));
    await expect(
      openClientSession(transport, {
        homeId: t.agent.homeId,
        device: identity,
        client,
        pinnedAgentKey: t.agent.identity.publicKey,
      }),
    ).rejects.toMatchObject({ code: 'not-paired', message: expect.stringContaining('not paired') });
  });

  it('refuses a session for another home id', async () => {
    t = await startTestAgent();
    const { identity } = await generateIdentity(false);
    const other = (await generateIdentity(false)).identity;
    const { transport } = await openSocket(sessionUrl(t.url, other.id));
    await expect(
      openClientSession(transport, { homeId: other.id, device: identity, client }),
    ).rejects.toMatchObject({
      code: 'wrong-home',
    });
  });

  it('refuses a pairing code that was already used', async () => {
    t = await startTestAgent();
    const { code } = t.agent.pairing.create(null);
    const pairWith = async () => {
      const { identity } = await generateIdentity(false);
      const { transport } = await openSocket(sessionUrl(t.url, t.agent.homeId));
      return openClientSession(transport, {
        homeId: t.agent.homeId,
        device: identity,
        client,
        pair: { code, name: 'x' },
      });
    };
    (await pairWith()).close();
    await expect(pairWith()).rejects.toMatchObject({ code: 'pairing-code-invalid' });
  });

  it('refuses an expired pairing code', async () => {
    const clock = new ManualClock();
    t = await startTestAgent({ clock });
    const { code } = t.agent.pairing.create(null);
    clock.advance(10 * 60_000 + 1);
    const { identity } = await generateIdentity(false);
    const { transport } = await openSocket(sessionUrl(t.url, t.agent.homeId));
    await expect(
      openClientSession(transport, {
        homeId: t.agent.homeId,
        device: identity,
        client,
        pair: { code, name: 'late' },
      }),
    ).rejects.toMatchObject({ code: 'pairing-code-invalid' });
    expect(t.agent.state.list('devices')).toHaveLength(0);
  });

  it('rate-limits guessing pairing codes', async () => {
    t = await startTestAgent();
    t.agent.pairing.create(null);
    const codes: string[] = [];
    for (let i = 0; i < 7; i++) {
      const { identity } = await generateIdentity(false);
      const { transport } = await openSocket(sessionUrl(t.url, t.agent.homeId));
      const err = await openClientSession(transport, {
        homeId: t.agent.homeId,
        device: identity,
        client,
        pair: { code: 'aaaaaaaaaaaaaaaa', name: 'guess' },
      }).catch((e: { code: string }) => e);
      codes.push((err as { code: string }).code);
    }
    expect(codes.slice(0, 5)).toEqual(Array(5).fill('pairing-code-invalid'));
    expect(codes.slice(5)).toEqual(['pairing-rate-limited', 'pairing-rate-limited']);
  });

  it('closes a revoked device’s open session at once and refuses it afterwards', async () => {
    t = await startTestAgent();
    const admin = await pairDevice(t, 'admin');
    const victim = await pairDevice(t, 'lost phone');
    const closed = new Promise<string | undefined>((resolve) =>
      victim.client.onClose((e) => resolve(e?.code)),
    );
    const first = await admin.client.command('devices.revoke', { target: victim.device.id, args: {} });
    expect(first.status).toBe('confirm');
    if (first.status !== 'confirm') return;
    expect(first.confirm.typeToConfirm).toBe('lost phone');
    const done = await admin.client.command('devices.revoke', {
      target: victim.device.id,
      args: {},
      confirm: { challenge: first.confirm.challenge, text: 'lost phone' },
    });
    expect(done.status).toBe('ok');
    expect(await closed).toBe('revoked');
    await expect(connectDevice(t, victim.device, victim.agentKey)).rejects.toMatchObject({ code: 'revoked' });
    await waitFor(() => !admin.client.get('devices', victim.device.id), 5000, 'device removed from state');
    admin.client.close();
  });

  it('records every command in the audit log before answering', async () => {
    t = await startTestAgent();
    const { client: c, device } = await pairDevice(t);
    const r = await c.command('devices.rename', { target: device.id, args: { name: 'renamed' } });
    expect(r.status).toBe('ok');
    // Read through the same database file, as a crash-recovery reader would.
    const rows = new AuditRepo(t.agent.db).list({ limit: 10 });
    expect(rows[0]).toMatchObject({
      action: 'devices.rename',
      target: device.id,
      decision: 'allowed',
      outcome: 'ok',
    });
    c.close();
  });

  it('answers a malformed command with bad-frame and keeps the session', async () => {
    t = await startTestAgent();
    const { client: c } = await pairDevice(t);
    const r = await c.command('Not A Valid Action!');
    expect(r).toMatchObject({ status: 'error', error: { code: 'bad-frame' } });
    const ok = await c.command('activity.list', { args: { limit: 1 } });
    expect(ok.status).toBe('ok');
    c.close();
  });

  it('answers an unknown action with unknown-action', async () => {
    t = await startTestAgent();
    const { client: c } = await pairDevice(t);
    expect(await c.command('no.such-thing')).toMatchObject({
      status: 'error',
      error: { code: 'unknown-action' },
    });
    c.close();
  });
});
