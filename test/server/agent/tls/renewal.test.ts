// Renewal against a real pebble issuing 12-second certificates: the keeper renews two thirds in, the
// HTTPS server swaps the new certificate in without a restart, and a CA that is down meanwhile is
// retried (the old certificate still served) until it answers again.
import { Resolver } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertificatePair } from '../../../../server/agent/tls/files.js';
import type { TlsState } from '../../../../server/agent/tls/source.js';
import type { Tls } from '../../../../server/agent/tls/tls.js';
import { waitFor } from '../../../harness/agent.js';
import { startBind, type TestBind } from '../../../harness/bind.js';
import { startPebble, type TestPebble } from '../../../harness/pebble.js';
import { tempDir } from '../../../harness/temp.js';
import { fetchHome, NAME, serve, tlsFor } from './tls-setup.js';

const LIFETIME_S = 12;
let bind: TestBind;
let pebble: TestPebble;
let root: string;
const data = tempDir('lifeline-tls-');
let tls: Tls;
let https: Awaited<ReturnType<typeof serve>>;
const changes: { at: number; pair: CertificatePair }[] = [];
const states: (TlsState & { seenAt: number })[] = [];

async function txtAtBind(): Promise<string[]> {
  const r = new Resolver({ timeout: 1000, tries: 1 });
  r.setServers([bind.server]);
  return (await r.resolveTxt(`_acme-challenge.${NAME}`).catch(() => [] as string[][])).map((c) => c.join(''));
}

const served = async () => {
  const r = await fetchHome(https.port, root);
  if ('error' in r) throw new Error(`the served certificate is refused: ${r.error}`);
  return r.serial;
};

beforeAll(async () => {
  bind = await startBind({ records: ['home IN A 127.0.0.1'] });
  pebble = await startPebble({ dnsServer: bind.server, validitySeconds: LIFETIME_S });
  root = await pebble.root();
  // With a contact address: each renewal finds the account again and updates its contact.
  tls = tlsFor(bind, pebble, data.dir, { config: { email: 'owner@lifeline.test' } });
  tls.onState((s) => states.push({ ...s, seenAt: Date.now() }));
  tls.source.onChange((pair) => changes.push({ at: Date.now(), pair }));
  tls.start();
  await waitFor(() => tls.source.current(), 30_000, 'the first certificate');
  https = await serve(tls.source.current()!);
  // What the agent's HTTPS server will do: swap the context in place.
  tls.source.onChange((pair) => https.server.setSecureContext(pair));
});

afterAll(async () => {
  tls?.stop();
  await https?.close();
  await pebble?.close();
  await bind?.close();
  data.remove();
});

describe('renewal', () => {
  it('plans the renewal two thirds into the certificate’s lifetime', () => {
    const s = tls.state();
    expect(s.notAfter! - s.notBefore!).toBeGreaterThanOrEqual((LIFETIME_S - 1) * 1000);
    expect(s.notAfter! - s.notBefore!).toBeLessThanOrEqual((LIFETIME_S + 1) * 1000);
    expect(s.nextRenewalAt).toBe(Math.round(s.notBefore! + ((s.notAfter! - s.notBefore!) * 2) / 3));
    // A 12-second certificate is always within 14 days of its end.
    expect(s.expiresSoon).toBe(true);
  });

  it('renews then, and the running server serves the new certificate without a restart', async () => {
    const first = tls.state();
    const firstSerial = await served();
    expect(firstSerial).toBe(first.serial);
    const before = changes.length;
    const change = await waitFor(() => changes[before], 20_000, 'a renewed certificate');
    expect(change.at).toBeGreaterThanOrEqual(first.nextRenewalAt! - 50);
    const second = tls.state();
    expect(second.serial).not.toBe(first.serial);
    expect(second.status).toBe('valid');
    expect(second.notAfter).toBeGreaterThan(first.notAfter!);
    expect(await served()).toBe(second.serial);
    // The certificate key is new with each certificate.
    expect(change.pair.key).not.toBe(changes[before - 1]?.pair.key ?? '');
    expect(await txtAtBind()).toEqual([]);
  });

  it('with the CA down at renewal time: keeps serving the old certificate, retries, and renews when the CA is back', async () => {
    const current = tls.state();
    const oldPair = tls.source.current();
    // Take the CA down just before the renewal is due.
    await waitFor(() => Date.now() >= current.nextRenewalAt! - 300, 20_000, 'the renewal point');
    await pebble.down();
    const from = states.length;
    const failing = await waitFor(
      () => (tls.state().failures >= 3 ? tls.state() : undefined),
      20_000,
      'three failed attempts',
    );
    expect(failing.status).toBe('retrying');
    expect(failing.lastError?.code, failing.lastError?.message).toBe('unreachable');
    expect(failing.lastError?.message).toBe(
      `cannot reach the CA at ${new URL(pebble.directory).host}: connection refused`,
    );
    // The waits grow (backoff), each one jittered around first × 2^(n−1).
    const failures = new Map(
      states
        .slice(from)
        .filter((s) => s.status === 'retrying' && s.lastError)
        .map((s) => [s.lastError!.at, s.nextRenewalAt! - s.lastError!.at]),
    );
    const waits = [...failures.values()];
    expect(waits.length).toBeGreaterThanOrEqual(3);
    expect(waits[0]).toBeGreaterThanOrEqual(240);
    expect(waits[0]).toBeLessThanOrEqual(360);
    expect(waits[1]).toBeGreaterThanOrEqual(480);
    expect(waits[1]).toBeLessThanOrEqual(720);
    // Meanwhile the old certificate is still the one served.
    expect(tls.source.current()).toBe(oldPair);
    expect(await served()).toBe(current.serial);

    const before = changes.length;
    await pebble.up();
    await waitFor(() => changes[before], 20_000, 'a certificate once the CA is back');
    const after = tls.state();
    expect(after).toMatchObject({ status: 'valid', failures: 0 });
    expect(after.lastError).toBeUndefined();
    expect(await served()).toBe(after.serial);
    expect(after.serial).not.toBe(current.serial);
  });
});
