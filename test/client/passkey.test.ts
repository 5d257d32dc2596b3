// A fresh passkey check where the owner requires it (SPEC §5): the phone enrols a passkey from
// Settings on Chromium's virtual authenticator (CDP WebAuthn.*), then confirms a lifeline
// power-cycle with it. The agent verifies each assertion against the guard's own challenge: one
// made without user verification, one over another request's challenge, or none at all is refused
// and the plug never switches.
import type { CDPSession } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentClient } from '../../shared/client/agent-client.js';
import { sessionUrl } from '../../shared/pairing-link.js';
import type { PasskeyRequest } from '../../shared/protocol/passkeys.js';
import { openClientSession } from '../../shared/session/client-session.js';
import { generateIdentity } from '../../shared/session/keys.js';
import { openSocket, startTestAgent, type TestAgent, waitFor } from '../harness/agent.js';
import { type Browser, confirmInSheet, launchBrowser, requirePwaBuilt } from '../harness/browser.js';
import { type ShellyGen2Sim, startShellyGen2 } from '../simulators/shelly-gen2.js';

let cabinet: ShellyGen2Sim;
let t: TestAgent;
let b: Browser;
let cdp: CDPSession;
let authenticatorId: string;
/** The app's origin: a name (passkeys are bound to one), on loopback. */
let origin: string;

beforeAll(async () => {
  requirePwaBuilt();
  cabinet = await startShellyGen2({ cabinet: true, watts: 41.5 });
  t = await startTestAgent({
    yaml: JSON.stringify({
      home: { name: 'Test home' },
      listen: { host: '127.0.0.1', port: 0 },
      passkeys: { require: ['lifeline-cycle', 'devices'], rpId: 'localhost', terminals: 'refuse' },
      power: [
        {
          id: 'cabinet',
          name: 'Network cabinet',
          driver: 'shelly-gen2',
          address: cabinet.address,
          lifeline: true,
          powers: ['router'],
          cycleSeconds: 5,
          bootSeconds: 5,
          pollSeconds: 1,
          timeoutSeconds: 1,
        },
      ],
    }),
  });
  origin = `http://localhost:${new URL(t.url).port}`;
  b = await launchBrowser();
  cdp = await b.context.newCDPSession(b.page);
  await cdp.send('WebAuthn.enable');
  ({ authenticatorId } = (await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  })) as { authenticatorId: string });
  const { link } = t.agent.pairing.link(origin, t.agent.homeId, null);
  await b.page.goto(link);
  await b.page.getByLabel('Name for this device').fill('Owner phone');
  await b.page.getByRole('button', { name: 'Pair' }).click();
  await b.page.getByTestId('agent-version').waitFor({ timeout: 20_000 });
  await waitFor(
    () => (t.agent.state.get('power', 'cabinet') as { online?: boolean } | undefined)?.online,
    10_000,
    'plug online',
  );
});

afterAll(async () => {
  await b?.close();
  await t?.close();
  await cabinet?.close();
});

/** The page's authenticator signs `challenge` (base64url) with one of `allow`, as the app would. */
function assertInPage(
  challenge: string,
  request: PasskeyRequest,
  userVerification: 'required' | 'discouraged',
) {
  return b.page.evaluate(
    async ({ challenge, request, userVerification }) => {
      const b64u = (buf: ArrayBuffer) =>
        btoa(String.fromCharCode(...new Uint8Array(buf)))
          .replace(/\+/g, '-')
          .replace(/\//g, '_')
          .replace(/=+$/, '');
      const bytes = (s: string) =>
        Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
      const cred = (await navigator.credentials.get({
        publicKey: {
          challenge: bytes(challenge),
          rpId: request.rpId,
          allowCredentials: request.allow.map((id) => ({ id: bytes(id), type: 'public-key' as const })),
          userVerification,
        },
      })) as PublicKeyCredential;
      const r = cred.response as AuthenticatorAssertionResponse;
      return {
        id: cred.id,
        rawId: b64u(cred.rawId),
        type: cred.type,
        clientExtensionResults: {},
        response: {
          clientDataJSON: b64u(r.clientDataJSON),
          authenticatorData: b64u(r.authenticatorData),
          signature: b64u(r.signature),
          ...(r.userHandle ? { userHandle: b64u(r.userHandle) } : {}),
        },
      };
    },
    { challenge, request, userVerification },
  );
}

describe('passkeys', () => {
  it('enrols a passkey from Settings with user verification', async () => {
    await b.page.goto(`${origin}/#/settings`);
    await b.page.getByRole('button', { name: 'Add a passkey' }).click();
    await b.page.getByText('Passkey added.').waitFor({ timeout: 15_000 });
    await expect
      .poll(() => b.page.getByTestId('passkey-count').textContent())
      .toBe('Passkeys on this device: 1');
    expect(t.agent.state.list('passkeys')).toHaveLength(1);
    const { credentials } = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })) as {
      credentials: unknown[];
    };
    expect(credentials).toHaveLength(1);
  });

  it('confirms a lifeline power-cycle with the typed name and the passkey', async () => {
    await b.page.goto(`${origin}/#/power`);
    await b.page.getByTestId('plug-cabinet').getByRole('button', { name: 'Power-cycle' }).click();
    await confirmInSheet(b.page, { typeName: 'Network cabinet' });
    await waitFor(() => cabinet.relay.offs() === 1, 15_000, 'the cycle to start');
    const decisions = t.agent.db
      .prepare("SELECT decision FROM audit WHERE action = 'power.cycle' ORDER BY id")
      .all() as { decision: string }[];
    expect(decisions.map((d) => d.decision)).toEqual(['confirm-required', 'confirmed']);
    await waitFor(
      () => {
        const plug = t.agent.state.get('power', 'cabinet') as { on?: boolean; cycle?: unknown } | undefined;
        return plug?.on === true && plug.cycle === undefined;
      },
      40_000,
      'the plug back on, its cycle over',
    );
  });

  it('a passkey prompt that fails gives the request up at home: cancelled, nothing switched', async () => {
    // The authenticator cannot verify the user (a finger not read, the prompt dismissed).
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
    try {
      await waitFor(
        () => (t.agent.state.get('power', 'cabinet') as { cycle?: unknown } | undefined)?.cycle === undefined,
        40_000,
        'no cycle running',
      );
      const offs = cabinet.relay.offs();
      await b.page.goto(`${origin}/#/power`);
      await b.page.getByTestId('plug-cabinet').getByRole('button', { name: 'Power-cycle' }).click();
      await confirmInSheet(b.page, { typeName: 'Network cabinet' });
      const last = () =>
        t.agent.db
          .prepare("SELECT resolution FROM audit WHERE action = 'power.cycle' ORDER BY id DESC LIMIT 1")
          .get() as { resolution: string | null };
      await waitFor(() => last().resolution === 'cancelled', 15_000, 'the request cancelled at home');
      expect(cabinet.relay.offs()).toBe(offs);
    } finally {
      await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: true });
    }
  });

  it('refuses an assertion without user verification, for another challenge, or none at all', async () => {
    // The same device asks from a script (the phone's session key is in the page, so the test uses
    // a second PWA device of the owner's that enrols its passkey on the same authenticator).
    const { identity } = await generateIdentity(false);
    const { code } = t.agent.pairing.create(null);
    const { transport } = await openSocket(sessionUrl(t.url, t.agent.homeId));
    const session = await openClientSession(transport, {
      homeId: t.agent.homeId,
      device: identity,
      client: { kind: 'pwa', version: 'test' },
      pair: { code, name: 'second phone' },
    });
    const client = new AgentClient(session);
    await client.ready();
    const opts = await client.command('passkeys.options', { args: {} });
    if (opts.status !== 'ok') throw new Error(JSON.stringify(opts));
    const created = await b.page.evaluate(
      async (json: Record<string, unknown>) => {
        const o = json as {
          challenge: string;
          rp: { id: string; name: string };
          user: { id: string; name: string; displayName: string };
          pubKeyCredParams: PublicKeyCredentialParameters[];
        };
        const bytes = (s: string) =>
          Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
        const b64u = (buf: ArrayBuffer) =>
          btoa(String.fromCharCode(...new Uint8Array(buf)))
            .replace(/\+/g, '-')
            .replace(/\//g, '_')
            .replace(/=+$/, '');
        const cred = (await navigator.credentials.create({
          publicKey: {
            challenge: bytes(o.challenge),
            rp: o.rp,
            user: { ...o.user, id: bytes(o.user.id) },
            pubKeyCredParams: o.pubKeyCredParams,
            authenticatorSelection: { userVerification: 'required', residentKey: 'preferred' },
            attestation: 'none',
          },
        })) as PublicKeyCredential;
        const r = cred.response as AuthenticatorAttestationResponse;
        return {
          id: cred.id,
          rawId: b64u(cred.rawId),
          type: cred.type,
          clientExtensionResults: {},
          response: {
            clientDataJSON: b64u(r.clientDataJSON),
            attestationObject: b64u(r.attestationObject),
            transports: r.getTransports(),
          },
        };
      },
      (opts.data as { options: Record<string, unknown> }).options,
    );
    const enrolled = await client.command('passkeys.enrol', { args: { response: created } });
    expect(enrolled.status).toBe('ok');

    const ask = async () => {
      // The last test's cycle may still be winding down (the plug reports on before the cycle's
      // bookkeeping ends): ask until the agent takes a new one.
      const r = await waitFor(
        async () => {
          const r = await client.command('power.cycle', { target: 'cabinet', args: {} });
          return r.status === 'error' && r.error.msg?.key === 'power.refuse.in-cycle' ? undefined : r;
        },
        15_000,
        'the last cycle to end',
      );
      if (r.status !== 'confirm' || !r.confirm.passkey) throw new Error(JSON.stringify(r));
      return r.confirm as typeof r.confirm & { passkey: PasskeyRequest };
    };
    const answer = (challenge: string, passkey?: Record<string, unknown>) =>
      client.command('power.cycle', {
        target: 'cabinet',
        args: {},
        confirm: { challenge, text: 'Network cabinet', ...(passkey ? { passkey } : {}) },
      });
    const offs = cabinet.relay.offs();

    // No passkey at all.
    const first = await ask();
    expect(await answer(first.challenge)).toMatchObject({ status: 'error', error: { code: 'refused' } });

    // A finger that was not checked: the authenticator reports user presence only.
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
    const second = await ask();
    const unverified = await assertInPage(second.challenge, second.passkey, 'discouraged');
    const refusedUv = await answer(second.challenge, unverified);
    expect(refusedUv).toMatchObject({ status: 'error', error: { code: 'refused' } });
    expect(JSON.stringify(refusedUv)).toMatch(/passkey check failed/);
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: true });

    // A verified assertion, but over another request's challenge.
    const third = await ask();
    const fourth = await ask();
    const forThird = await assertInPage(third.challenge, third.passkey, 'required');
    expect(await answer(fourth.challenge, forThird)).toMatchObject({
      status: 'error',
      error: { code: 'refused' },
    });
    // ...and the challenge it was made for is still single-use: this one works once.
    expect(await answer(third.challenge, forThird)).toMatchObject({ status: 'ok' });
    expect(await answer(third.challenge, forThird)).toMatchObject({ status: 'error' });
    await waitFor(() => cabinet.relay.offs() === offs + 1, 15_000, 'exactly one more cycle');
    client.close();
  });

  it('refuses a terminal when the owner did not allow terminals', async () => {
    const { identity } = await generateIdentity(false);
    const { code } = t.agent.pairing.create(null);
    const { transport } = await openSocket(sessionUrl(t.url, t.agent.homeId));
    const session = await openClientSession(transport, {
      homeId: t.agent.homeId,
      device: identity,
      client: { kind: 'ctl', version: 'test' },
      pair: { code, name: 'terminal' },
    });
    const client = new AgentClient(session);
    await client.ready();
    const r = await client.command('devices.pair', { args: {} });
    expect(r).toMatchObject({
      status: 'error',
      error: { code: 'refused', message: expect.stringContaining('terminals are not allowed') },
    });
    client.close();
  });
});
