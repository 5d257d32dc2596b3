// The `ups:` entries of lifeline.yaml: what is accepted, the defaults, and the message an owner
// reads for each mistake.
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  clientOptionsOf,
  parseAddress,
  type UpsEntry,
  UpsEntrySchema,
  UpsListSchema,
} from '../../../../server/agent/ups/config.js';
import { LifelineError } from '../../../../shared/protocol/errors.js';

const base = { id: 'rack', address: '127.0.0.1', name: 'ups' };

function problems(schema: v.GenericSchema, input: unknown): string[] {
  const r = v.safeParse(schema, input);
  if (r.success) return [];
  return r.issues.map((i) => {
    const at = v.getDotPath(i);
    return at ? `${at}: ${i.message}` : i.message;
  });
}

describe('ups config', () => {
  it('accepts the SPEC example and fills in the defaults', () => {
    const e = v.parse(UpsEntrySchema, {
      ...base,
      onBattery: { afterMinutes: 5, stop: ['clickhouse', 'langfuse'] },
    });
    expect(e).toEqual({
      ...base,
      pollSeconds: 5,
      onBattery: { afterMinutes: 5, stop: ['clickhouse', 'langfuse'] },
    });
    expect(clientOptionsOf(e, '/')).toEqual({ host: '127.0.0.1', port: 3493 });
  });

  it('reads host, host:port and IPv6 addresses', () => {
    expect(parseAddress('nas.lan')).toEqual({ host: 'nas.lan', port: 3493 });
    expect(parseAddress('nas.lan:3494')).toEqual({ host: 'nas.lan', port: 3494 });
    expect(parseAddress('[fd00::2]:3495')).toEqual({ host: 'fd00::2', port: 3495 });
    expect(parseAddress('fd00::2')).toEqual({ host: 'fd00::2', port: 3493 });
    for (const bad of ['nas.lan:0', 'nas.lan:99999', 'nas lan', 'ups@nas.lan', '', 'nas.lan:'])
      expect(parseAddress(bad), bad).toBeUndefined();
    expect(problems(UpsEntrySchema, { ...base, address: 'ups@nas.lan' })).toEqual([
      'address: host or host:port of the upsd, e.g. 127.0.0.1 or nas.lan:3493',
    ]);
  });

  it('says what is wrong with an id, a UPS name or a poll interval', () => {
    expect(problems(UpsEntrySchema, { ...base, id: 'Rack UPS' })).toEqual([
      'id: a short id: lower-case letters, digits, - or _ (at most 40)',
    ]);
    expect(problems(UpsEntrySchema, { ...base, name: 'ups@nas' })).toEqual([
      'name: the UPS name on that upsd, as `upsc -l` lists it (no spaces or @)',
    ]);
    expect(problems(UpsEntrySchema, { ...base, pollSeconds: 2.5 })).toEqual(['pollSeconds: whole seconds']);
    expect(problems(UpsEntrySchema, { ...base, colour: 'red' })[0]).toContain('colour');
  });

  it('wants a username and a password together, and one kind of password', () => {
    expect(problems(UpsEntrySchema, { ...base, username: 'monitor' })).toEqual([
      'password: a username needs its password (password or passwordFile)',
    ]);
    expect(problems(UpsEntrySchema, { ...base, password: 'x' })).toEqual([
      'username: a password needs its username',
    ]);
    expect(problems(UpsEntrySchema, { ...base, username: 'm', password: 'x', passwordFile: '/p' })).toEqual([
      'passwordFile: give password or passwordFile, not both',
    ]);
    expect(problems(UpsEntrySchema, { ...base, username: 'm', password: 'a\nb' })).toEqual([
      'password: cannot hold control characters',
    ]);
  });

  it('wants the onBattery rule to say when, and what to stop', () => {
    expect(problems(UpsEntrySchema, { ...base, onBattery: { stop: ['db'] } })).toEqual([
      'onBattery: needs afterMinutes, runtimeBelowMinutes or both: when should the containers stop?',
    ]);
    expect(problems(UpsEntrySchema, { ...base, onBattery: { afterMinutes: 5, stop: [] } })).toEqual([
      'onBattery.stop: name at least one container',
    ]);
    expect(
      problems(UpsEntrySchema, { ...base, onBattery: { runtimeBelowMinutes: 0, stop: ['db'] } }),
    ).toEqual(['onBattery.runtimeBelowMinutes: more than 0']);
  });

  it('refuses two entries with one id, or two watching the same UPS', () => {
    expect(problems(UpsListSchema, [base, { ...base, name: 'other' }])).toEqual([
      'two ups entries share an id',
    ]);
    expect(problems(UpsListSchema, [base, { ...base, id: 'rack2', address: '127.0.0.1:3493' }])).toEqual([
      'two ups entries watch the same UPS on the same upsd: every alert would arrive twice',
    ]);
    expect(problems(UpsListSchema, [base, { ...base, id: 'desk', name: 'desk' }])).toEqual([]);
  });

  it('reads the password from passwordFile, relative to the config folder', () => {
    const e: UpsEntry = v.parse(UpsEntrySchema, {
      ...base,
      username: 'monitor',
      passwordFile: 'secrets/upsd',
    });
    const read = (f: string) => {
      if (f === '/etc/lifeline/secrets/upsd') return 'hunter2\n';
      throw Object.assign(new Error('nope'), { code: 'ENOENT' });
    };
    expect(clientOptionsOf(e, '/etc/lifeline', read).auth).toEqual({
      username: 'monitor',
      password: 'hunter2',
    });
    const err = (() => {
      try {
        clientOptionsOf(e, '/srv', read);
      } catch (x) {
        return x;
      }
    })() as LifelineError;
    expect(err).toBeInstanceOf(LifelineError);
    expect(err.message).toBe('cannot read the upsd password file /srv/secrets/upsd (ENOENT)');
  });
});
