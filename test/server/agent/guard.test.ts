import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionRegistry, type AnyAction, defineAction } from '../../../server/agent/actions.js';
import { Guard, type GuardHooks } from '../../../server/agent/guard.js';
import { silentLogger } from '../../../server/log.js';
import { AuditRepo } from '../../../server/store/audit-repo.js';
import { type Db, openDatabase } from '../../../server/store/db.js';
import { action, NoArgs } from '../../../shared/protocol/action.js';
import type { CommandFrame } from '../../../shared/protocol/frames.js';
import { ManualClock } from '../../harness/agent.js';
import { tempDir } from '../../harness/temp.js';

let db: Db;
let remove: () => void;
let clock: ManualClock;
let guard: Guard;
let audit: AuditRepo;
let ran: string[];

const alice = { id: 'alice', name: 'Alice phone' };
const bob = { id: 'bob', name: 'Bob laptop' };
const hooks = (authorized = true): GuardHooks => ({
  progress: () => {},
  signal: new AbortController().signal,
  stillAuthorized: () => authorized,
});
let n = 0;
const cmd = (action: string, target?: string, extra: Partial<CommandFrame> = {}): CommandFrame => ({
  t: 'cmd',
  id: `c${++n}`,
  action,
  ...(target ? { target } : {}),
  ...extra,
});

beforeEach(() => {
  const tmp = tempDir();
  remove = tmp.remove;
  db = openDatabase(tmp.dir);
  clock = new ManualClock(1_000_000);
  audit = new AuditRepo(db);
  ran = [];
  const registry = new ActionRegistry();
  const actions: AnyAction[] = [
    defineAction(action({ name: 'test.read', target: 'required', args: NoArgs }), {
      classify: () => ({ decision: 'allow' }),
      run: async ({ target }) => {
        ran.push(`read ${target}`);
        return { target };
      },
    }),
    defineAction(action({ name: 'test.off', target: 'required', args: NoArgs, aliases: ['old.off'] }), {
      classify: ({ target }) =>
        target === 'cabinet'
          ? {
              decision: 'refuse',
              message: 'Network cabinet is a lifeline: switching it off would cut the way back in',
            }
          : { decision: 'confirm', title: `Switch off ${target}`, consequences: [`${target} loses power`] },
      run: async ({ target }) => {
        ran.push(`off ${target}`);
      },
    }),
    defineAction(action({ name: 'test.cycle', target: 'required', args: NoArgs }), {
      classify: ({ target }) => ({
        decision: 'confirm',
        title: `Cycle ${target}`,
        consequences: [],
        typeToConfirm: 'Network cabinet',
      }),
      run: async ({ target }) => {
        ran.push(`cycle ${target}`);
      },
    }),
    defineAction(action({ name: 'test.fail', target: 'none', args: NoArgs }), {
      classify: () => ({ decision: 'allow' }),
      run: async () => {
        throw new Error('secret internal detail');
      },
    }),
  ];
  registry.register(...actions);
  guard = new Guard(registry, audit, clock, silentLogger);
});

afterEach(() => {
  db.close();
  remove();
});

async function confirmFor(c: CommandFrame, device = alice) {
  const r = await guard.execute(c, device, hooks());
  if (r.status !== 'confirm') throw new Error(`expected confirm, got ${r.status}`);
  return r.confirm;
}

describe('guard', () => {
  it('runs an allowed action and audits it', async () => {
    const r = await guard.execute(cmd('test.read', 'pc'), alice, hooks());
    expect(r).toMatchObject({ status: 'ok', data: { target: 'pc' } });
    expect(ran).toEqual(['read pc']);
    expect(audit.list({ limit: 1 })[0]).toMatchObject({
      action: 'test.read',
      decision: 'allowed',
      outcome: 'ok',
      deviceId: 'alice',
    });
  });

  it('refuses a lifeline target with the reason, and runs nothing', async () => {
    const r = await guard.execute(cmd('test.off', 'cabinet'), alice, hooks());
    expect(r).toMatchObject({
      status: 'error',
      error: { code: 'refused', message: expect.stringContaining('lifeline') },
    });
    expect(ran).toEqual([]);
    expect(audit.list({ limit: 1 })[0]).toMatchObject({ decision: 'refused', outcome: 'refused' });
  });

  it('does not run a confirm-required action without the challenge', async () => {
    const confirm = await confirmFor(cmd('test.off', 'nas'));
    expect(confirm).toMatchObject({ title: 'Switch off nas', consequences: ['nas loses power'] });
    expect(confirm.expiresAt).toBe(clock.now() + 60_000);
    expect(ran).toEqual([]);
    expect(audit.list({ limit: 1 })[0]).toMatchObject({ decision: 'confirm-required', outcome: 'pending' });
  });

  it('runs it once with the challenge, and never again with the same challenge', async () => {
    const { challenge } = await confirmFor(cmd('test.off', 'nas'));
    const first = await guard.execute(cmd('test.off', 'nas', { confirm: { challenge } }), alice, hooks());
    expect(first.status).toBe('ok');
    const replay = await guard.execute(cmd('test.off', 'nas', { confirm: { challenge } }), alice, hooks());
    expect(replay).toMatchObject({ status: 'error', error: { code: 'challenge-invalid' } });
    expect(ran).toEqual(['off nas']);
    expect(audit.list({ limit: 2 }).map((a) => a.decision)).toEqual(['refused', 'confirmed']);
  });

  it('lets exactly one of two racing confirmations through', async () => {
    const { challenge } = await confirmFor(cmd('test.off', 'nas'));
    const results = await Promise.all([
      guard.execute(cmd('test.off', 'nas', { confirm: { challenge } }), alice, hooks()),
      guard.execute(cmd('test.off', 'nas', { confirm: { challenge } }), alice, hooks()),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['error', 'ok']);
    expect(ran).toEqual(['off nas']);
  });

  it('expires a challenge after 60 seconds', async () => {
    const { challenge } = await confirmFor(cmd('test.off', 'nas'));
    clock.advance(60_001);
    const r = await guard.execute(cmd('test.off', 'nas', { confirm: { challenge } }), alice, hooks());
    expect(r).toMatchObject({ status: 'error', error: { code: 'challenge-expired' } });
    expect(ran).toEqual([]);
  });

  it('marks an unanswered request expired on the next command of any kind once its minute is over', async () => {
    await confirmFor(cmd('test.off', 'nas'));
    const asked = audit.list({ limit: 1 })[0]!;
    clock.advance(59_000);
    await guard.execute(cmd('test.read', 'pc'), bob, hooks());
    expect(audit.get(asked.id)?.resolution).toBeUndefined();
    // Activity's list is such a command: the screen asks again once the minute is over, and reads
    // the request as expired without the owner doing anything else.
    clock.advance(2_000);
    await guard.execute(cmd('test.read', 'pc'), bob, hooks());
    expect(audit.get(asked.id)).toMatchObject({ resolution: 'expired', outcome: 'refused' });
  });

  it('binds a challenge to its device', async () => {
    const { challenge } = await confirmFor(cmd('test.off', 'nas'));
    const r = await guard.execute(cmd('test.off', 'nas', { confirm: { challenge } }), bob, hooks());
    expect(r).toMatchObject({ status: 'error', error: { code: 'challenge-invalid' } });
    expect(ran).toEqual([]);
  });

  it('binds a challenge to its command: another target or action does not run', async () => {
    const { challenge } = await confirmFor(cmd('test.off', 'nas'));
    const other = await guard.execute(cmd('test.off', 'router', { confirm: { challenge } }), alice, hooks());
    expect(other).toMatchObject({ status: 'error', error: { code: 'challenge-invalid' } });
    const { challenge: c2 } = await confirmFor(cmd('test.off', 'nas'));
    const otherAction = await guard.execute(
      cmd('test.cycle', 'nas', { confirm: { challenge: c2, text: 'Network cabinet' } }),
      alice,
      hooks(),
    );
    expect(otherAction).toMatchObject({ status: 'error', error: { code: 'challenge-invalid' } });
    expect(ran).toEqual([]);
  });

  it('requires the typed name when the classification asks for it — its letter case aside', async () => {
    const { challenge, typeToConfirm } = await confirmFor(cmd('test.cycle', 'cabinet'));
    expect(typeToConfirm).toBe('Network cabinet');
    const wrong = await guard.execute(
      cmd('test.cycle', 'cabinet', { confirm: { challenge, text: 'network' } }),
      alice,
      hooks(),
    );
    expect(wrong).toMatchObject({ status: 'error', error: { code: 'confirm-text-mismatch' } });
    const { challenge: again } = await confirmFor(cmd('test.cycle', 'cabinet'));
    const right = await guard.execute(
      // As a phone's keyboard types it: capitals where it likes, a space after the last word.
      cmd('test.cycle', 'cabinet', { confirm: { challenge: again, text: 'network Cabinet ' } }),
      alice,
      hooks(),
    );
    expect(right.status).toBe('ok');
    expect(ran).toEqual(['cycle cabinet']);
  });

  it('lets a typo in the typed name be corrected, and ends the request whichever way it goes', async () => {
    const { challenge } = await confirmFor(cmd('test.cycle', 'cabinet'));
    const asked = audit.list({ limit: 1 })[0]!;
    const typo = cmd('test.cycle', 'cabinet', { confirm: { challenge, text: 'Network cabnet' } });
    expect(await guard.execute(typo, alice, hooks())).toMatchObject({
      error: { code: 'confirm-text-mismatch' },
    });
    expect(ran).toEqual([]);
    const fixed = cmd('test.cycle', 'cabinet', { confirm: { challenge, text: 'Network cabinet' } });
    expect((await guard.execute(fixed, alice, hooks())).status).toBe('ok');
    expect(audit.get(asked.id)?.resolution).toBe('confirmed');

    // Given up on after a wrong name (what ctl does): cancelled, not left waiting for good.
    const second = await confirmFor(cmd('test.cycle', 'cabinet'));
    const secondRow = audit.list({ limit: 1 })[0]!;
    await guard.execute(
      cmd('test.cycle', 'cabinet', { confirm: { challenge: second.challenge, text: 'nope' } }),
      alice,
      hooks(),
    );
    expect(guard.cancel(second.challenge, alice.id)).toBeUndefined();
    expect(audit.get(secondRow.id)).toMatchObject({ resolution: 'cancelled', outcome: 'refused' });
    expect(ran).toEqual(['cycle cabinet']);
  });

  it('runs nothing for a device revoked between confirmation and execution', async () => {
    const { challenge } = await confirmFor(cmd('test.off', 'nas'));
    const r = await guard.execute(cmd('test.off', 'nas', { confirm: { challenge } }), alice, hooks(false));
    expect(r.status).toBe('error');
    expect(ran).toEqual([]);
  });

  it('reports a failure as an error value without leaking internals, and audits it', async () => {
    const r = await guard.execute(cmd('test.fail'), alice, hooks());
    expect(r).toMatchObject({ status: 'error', error: { code: 'internal', message: 'internal error' } });
    expect(JSON.stringify(r)).not.toContain('secret internal detail');
    expect(audit.list({ limit: 1 })[0]).toMatchObject({ outcome: 'error', code: 'internal' });
  });

  it('cancels a pending confirmation: audited as cancelled, and its challenge no longer confirms', async () => {
    const { challenge } = await confirmFor(cmd('test.off', 'nas'));
    const asked = audit.list({ limit: 1 })[0]!;
    expect(guard.cancel(challenge, alice.id)).toBeUndefined();
    expect(audit.get(asked.id)).toMatchObject({
      resolution: 'cancelled',
      outcome: 'refused',
      code: 'cancelled',
    });
    const late = await guard.execute(cmd('test.off', 'nas', { confirm: { challenge } }), alice, hooks());
    expect(late).toMatchObject({ status: 'error', error: { code: 'challenge-invalid' } });
    expect(ran).toEqual([]);
    // Nor does it turn into "expired" when its minute runs out.
    clock.advance(120_001);
    await guard.execute(cmd('test.read', 'pc'), alice, hooks());
    expect(audit.get(asked.id)?.resolution).toBe('cancelled');
  });

  it('changes nothing for a cancel of another device’s, an unknown or an expired challenge', async () => {
    const { challenge } = await confirmFor(cmd('test.off', 'nas'));
    const asked = audit.list({ limit: 1 })[0]!;
    expect(guard.cancel(challenge, bob.id)).toMatchObject({ code: 'challenge-invalid' });
    expect(guard.cancel('no-such-challenge', alice.id)).toMatchObject({ code: 'challenge-invalid' });
    expect(audit.get(asked.id)).toMatchObject({ outcome: 'pending' });
    expect(audit.get(asked.id)?.resolution).toBeUndefined();
    const r = await guard.execute(cmd('test.off', 'nas', { confirm: { challenge } }), alice, hooks());
    expect(r.status).toBe('ok');
    expect(ran).toEqual(['off nas']);
    expect(guard.cancel(challenge, alice.id)).toMatchObject({ code: 'challenge-invalid' });
    expect(audit.get(asked.id)?.resolution).toBe('confirmed');

    const { challenge: late } = await confirmFor(cmd('test.off', 'router'));
    const lateRow = audit.list({ limit: 1 })[0]!;
    clock.advance(60_001);
    expect(guard.cancel(late, alice.id)).toMatchObject({ code: 'challenge-expired' });
    expect(audit.get(lateRow.id)?.resolution).toBe('expired');
  });

  it('refuses unknown actions and missing targets as values', async () => {
    expect(await guard.execute(cmd('no.such'), alice, hooks())).toMatchObject({
      error: { code: 'unknown-action' },
    });
    expect(await guard.execute(cmd('test.read'), alice, hooks())).toMatchObject({
      error: { code: 'bad-args' },
    });
  });
});
