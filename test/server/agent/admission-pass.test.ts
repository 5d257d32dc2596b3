// Admission passes with the real client hello and a real database: who the agent recognizes
// before the key exchange, and who it does not.
import { afterEach, describe, expect, it } from 'vitest';
import { AdmissionPasses } from '../../../server/agent/admission-pass.js';
import { openDatabase } from '../../../server/store/db.js';
import { DevicesRepo } from '../../../server/store/devices-repo.js';
import { KvRepo } from '../../../server/store/kv-repo.js';
import { fromBase64Url, toBase64Url } from '../../../shared/bytes.js';
import { admissionPass, startClientHandshake } from '../../../shared/session/handshake.js';
import { ManualClock } from '../../harness/agent.js';
import { tempDir } from '../../harness/temp.js';

const HOME = 'abcdefghijklmnopqrstuvwxyz';
const dirs: { remove(): void }[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

function setUp(dir = tempDir('lifeline-pass-')) {
  dirs.push(dir);
  const db = openDatabase(dir.dir);
  const devices = new DevicesRepo(db);
  const clock = new ManualClock();
  for (const id of ['phone', 'laptop'])
    devices.insert({ id, publicKey: 'k', name: id, client: 'pwa', pairedAt: clock.now() });
  return { db, dir, devices, clock, passes: new AdmissionPasses(new KvRepo(db), devices, clock) };
}

const helloWith = async (key?: Uint8Array) => (await startClientHandshake(HOME, key)).hello;

describe('admission passes', () => {
  it('recognizes each paired device by the pass its last welcome’s key makes, and nobody without one', async () => {
    const { passes } = setUp();
    expect(passes.recognize(await helloWith(passes.keyFor('phone')))).toBe('phone');
    expect(passes.recognize(await helloWith(passes.keyFor('laptop')))).toBe('laptop');
    expect(passes.recognize(await helloWith())).toBeUndefined();
    expect(passes.recognize(await helloWith(new Uint8Array(32).fill(7)))).toBeUndefined();
    // A pass names no device: two hellos from one device share nothing a relay could link.
    const [a, b] = [await helloWith(passes.keyFor('phone')), await helloWith(passes.keyFor('phone'))];
    expect(a.pass).not.toBe(b.pass);
  });

  it('takes a pass once: a captured hello sent again is a stranger’s', async () => {
    const { passes } = setUp();
    const hello = await helloWith(passes.keyFor('phone'));
    expect(passes.recognize(hello)).toBe('phone');
    expect(passes.recognize(hello)).toBeUndefined();
    // Nor does it fit another hello: it is bound to the ephemeral key and nonce it came with.
    const other = await helloWith();
    expect(
      passes.recognize({ ...other, pass: (await helloWith(passes.keyFor('phone'))).pass }),
    ).toBeUndefined();
  });

  it('takes one spelling of a pass only: its spare base64url bits do not make it another pass', async () => {
    const { passes } = setUp();
    const hello = await helloWith(passes.keyFor('phone'));
    const pass = hello.pass!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // Other last characters that decode to the same bytes.
    const twins = [...alphabet]
      .map((c) => pass.slice(0, -1) + c)
      .filter((p) => p !== pass && toBase64Url(fromBase64Url(p)) === pass);
    expect(twins.length).toBeGreaterThan(0);
    for (const twin of twins) expect(passes.recognize({ ...hello, pass: twin })).toBeUndefined();
    expect(passes.recognize(hello)).toBe('phone');
    for (const twin of twins) expect(passes.recognize({ ...hello, pass: twin })).toBeUndefined();
  });

  it('takes a pass only near its time, and none dated before the agent started', async () => {
    const { passes, clock } = setUp();
    const key = passes.keyFor('phone');
    const at = async (seconds: number) => {
      const { hello } = await startClientHandshake(HOME);
      return { ...hello, pass: await admissionPass(key, HOME, hello.eph, hello.nonce, seconds) };
    };
    const start = Math.floor(clock.now() / 1000);
    // From before this agent started: it may have been taken before a restart forgot it.
    expect(passes.recognize(await at(start - 5))).toBeUndefined();
    // A captured hello kept for later: stale once its minutes are past.
    const kept = await at(start + 1);
    clock.advance(11 * 60_000);
    expect(passes.recognize(kept)).toBeUndefined();
    // A phone's clock a few minutes off either way is fine.
    const now = Math.floor(clock.now() / 1000);
    expect(passes.recognize(await at(now - 240))).toBe('phone');
    expect(passes.recognize(await at(now + 240))).toBe('phone');
    expect(passes.recognize(await at(now + 700))).toBeUndefined();
  });

  it('ends a revoked device’s pass at once', async () => {
    const { passes, devices, clock } = setUp();
    devices.revoke('laptop', clock.now());
    expect(passes.recognize(await helloWith(passes.keyFor('laptop')))).toBeUndefined();
    expect(passes.recognize(await helloWith(passes.keyFor('phone')))).toBe('phone');
  });

  it('keeps the keys across restarts: a device’s key from before a power cut still works', async () => {
    const first = setUp();
    const key = first.passes.keyFor('phone');
    first.db.close();
    const db = openDatabase(first.dir.dir);
    const again = new AdmissionPasses(new KvRepo(db), new DevicesRepo(db), first.clock);
    expect(toBase64Url(again.keyFor('phone'))).toBe(toBase64Url(key));
    expect(again.recognize(await helloWith(key))).toBe('phone');
    db.close();
  });

  it('ignores malformed hellos without throwing', () => {
    const { passes } = setUp();
    for (const bad of [
      undefined,
      null,
      'x',
      42,
      {},
      { pass: 'a'.repeat(22) },
      { home: HOME, eph: 1, nonce: 'n', pass: 'a'.repeat(22) },
      { home: HOME, eph: 'e', nonce: 'n', pass: '!'.repeat(22) },
    ])
      expect(passes.recognize(bad)).toBeUndefined();
  });
});
