// ctl's foundation subcommands: pair, status, devices, revoke, rename, add-device, log.
import os from 'node:os';
import { toBase64Url } from '../../../shared/bytes.js';
import { parsePairingLink } from '../../../shared/pairing-link.js';
import { ActivityList, type AuditResolution, type AuditRow } from '../../../shared/protocol/activity.js';
import { DevicesPair, DevicesRename, DevicesRevoke } from '../../../shared/protocol/devices.js';
import { CliError } from '../errors.js';
import { ago, clockTime, duration, table } from '../format.js';
import { type GuardedOptions, runGuarded } from './guarded.js';
import { type CtlGlobalOptions, printJson, withSession } from './session.js';

export async function ctlPair(link: string, opts: CtlGlobalOptions & { name?: string }): Promise<void> {
  const parsed = parsePairingLink(link);
  if ('error' in parsed) throw new CliError(`invalid pairing link: ${parsed.error}`, 2);
  const [{ exportPrivateJwk, generateIdentity }, { connectFirst }, { saveProfile }] = await Promise.all([
    import('../../../shared/session/keys.js'),
    import('./connect.js'),
    import('./profile.js'),
  ]);
  const { identity, pair } = await generateIdentity(true);
  const name = opts.name ?? `ctl on ${os.hostname()}`;
  const base = opts.url ?? parsed.base;
  const { client } = await connectFirst(opts.url || !parsed.standby ? [base] : [base, parsed.standby], {
    homeId: parsed.homeId,
    device: identity,
    pair: { code: parsed.code, name },
  });
  try {
    const file = saveProfile(opts.profile, {
      homeId: parsed.homeId,
      agentKey: toBase64Url(client.agentKey),
      url: base,
      ...(parsed.standby ? { standby: parsed.standby } : {}),
      deviceId: client.welcome.device.id,
      deviceName: client.welcome.device.name,
      privateKey: await exportPrivateJwk(pair.privateKey),
      pairedAt: Date.now(),
      ...(client.welcome.pass ? { pass: client.welcome.pass } : {}),
    });
    if (opts.json)
      printJson({ paired: true, home: client.welcome.agent, device: client.welcome.device, profile: file });
    else
      process.stdout.write(
        `Paired with "${client.welcome.agent.name}" (home ${parsed.homeId}) as "${client.welcome.device.name}".\nKey saved in ${file}\n`,
      );
  } finally {
    client.close();
  }
}

export async function ctlStatus(opts: CtlGlobalOptions): Promise<void> {
  await withSession(opts, async (client, base) => {
    const facts = client.get('agent', 'self');
    const devices = client.list('devices');
    const now = Date.now();
    const status = {
      home: { id: client.welcome.agent.homeId, name: client.welcome.agent.name },
      agent: facts
        ? {
            version: facts.version,
            hostname: facts.hostname,
            platform: facts.platform,
            startedAt: facts.startedAt,
            uptimeSeconds: Math.round((now - facts.startedAt) / 1000),
            hostBootAt: facts.hostBootAt,
            startedAfterBoot: facts.startedAfterBoot,
          }
        : null,
      connection: { path: client.welcome.path, url: base },
      // The agent's links: `link` (its relay) and `standby` (a second relay), each up or not.
      relays: client.list('relay').map((r) => ({
        role: r.id === 'link' ? 'primary' : r.id,
        url: r.data.url,
        connected: r.data.connected,
        since: r.data.since,
        ...(r.data.lastError ? { lastError: r.data.lastError } : {}),
      })),
      device: client.welcome.device,
      devices: devices.length,
      stateAt: client.stateAt,
    };
    if (opts.json) return printJson(status);
    const rows: string[][] = [['Home', `${status.home.name} (${status.home.id})`]];
    if (facts) {
      rows.push(
        ['Agent', `lifeline ${facts.version} on ${facts.hostname} (${facts.platform})`],
        ['Agent up', `${duration(now - facts.startedAt)} (since ${clockTime(facts.startedAt)})`],
        [
          'Host booted',
          `${clockTime(facts.hostBootAt)} (${ago(facts.hostBootAt, now)})${facts.startedAfterBoot ? ' — power loss suspected' : ''}`,
        ],
      );
    }
    rows.push(
      ['Connection', `${status.connection.path} (${base})`],
      ...status.relays.map((r) => [
        r.role === 'primary' ? 'Relay' : 'Standby relay',
        `${r.connected ? 'linked' : 'down'} since ${clockTime(r.since)} (${r.url || 'no address yet'})${r.connected || !r.lastError ? '' : ` — ${r.lastError}`}`,
      ]),
      ['This device', status.device.name],
      ['Devices', `${devices.length} paired`],
    );
    process.stdout.write(`${table(rows)}\n`);
  });
}

export async function ctlDevices(opts: CtlGlobalOptions): Promise<void> {
  await withSession(opts, async (client) => {
    const me = client.welcome.device.id;
    // Presence reaches sessions at most once a second, so the list this session got may not count
    // the session itself yet: this device is online, now, by the fact that it asks.
    const devices = client
      .list('devices')
      .sort((a, b) => a.data.pairedAt - b.data.pairedAt)
      .map((d) =>
        d.id === me
          ? { ...d, data: { ...d.data, sessions: Math.max(1, d.data.sessions), lastSeenAt: Date.now() } }
          : d,
      );
    if (opts.json) return printJson(devices.map((d) => ({ id: d.id, ...d.data, current: d.id === me })));
    const rows = [['ID', 'NAME', 'KIND', 'PAIRED', 'LAST SEEN', 'ONLINE']];
    for (const d of devices)
      rows.push([
        d.id.slice(0, 10),
        `${d.data.name}${d.id === me ? ' (this)' : ''}`,
        d.data.client,
        clockTime(d.data.pairedAt),
        d.data.lastSeenAt ? ago(d.data.lastSeenAt) : 'never',
        d.data.sessions > 0 ? 'yes' : 'no',
      ]);
    process.stdout.write(`${table(rows)}\n`);
  });
}

/** Accepts a full device id or an unambiguous prefix (as `ctl devices` prints). */
function resolveDevice(ids: string[], wanted: string): string {
  if (ids.includes(wanted)) return wanted;
  const matches = ids.filter((id) => id.startsWith(wanted));
  if (matches.length === 1) return matches[0]!;
  throw new CliError(
    matches.length === 0
      ? `no paired device ${wanted}`
      : `"${wanted}" matches several devices; give more characters`,
  );
}

export async function ctlRevoke(device: string, opts: CtlGlobalOptions & GuardedOptions): Promise<void> {
  await withSession(opts, async (client) => {
    const id = resolveDevice(
      client.list('devices').map((d) => d.id),
      device,
    );
    const data = await runGuarded(client, DevicesRevoke, { target: id }, opts);
    if (opts.json) printJson(data);
    else process.stdout.write(`Revoked ${id}.\n`);
  });
}

export async function ctlRename(device: string, name: string, opts: CtlGlobalOptions): Promise<void> {
  await withSession(opts, async (client) => {
    const id = resolveDevice(
      client.list('devices').map((d) => d.id),
      device,
    );
    const data = await runGuarded(client, DevicesRename, { target: id, args: { name } }, {});
    if (opts.json) printJson(data);
    else process.stdout.write(`Renamed ${id} to "${name}".\n`);
  });
}

export async function ctlAddDevice(opts: CtlGlobalOptions & GuardedOptions): Promise<void> {
  await withSession(opts, async (client) => {
    const data = await runGuarded(client, DevicesPair, {}, opts);
    if (opts.json) return printJson(data);
    const { terminalQr } = await import('../terminal-qr.js');
    process.stdout.write(
      `${await terminalQr(data.link)}\n${data.link}\n\nValid for 10 minutes, for one device.\n`,
    );
  });
}

export async function ctlLog(opts: CtlGlobalOptions & { limit?: string }): Promise<void> {
  const limit = opts.limit === undefined ? 50 : Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    throw new CliError('--limit must be a whole number from 1 to 500', 2);
  await withSession(opts, async (client) => {
    const data = await runGuarded(client, ActivityList, { args: { limit } }, {});
    const timeline = [
      ...data.audit.map((a) => ({ at: a.at, type: 'command' as const, entry: a })),
      ...data.events.map((e) => ({ at: e.at, type: 'event' as const, entry: e })),
    ]
      .sort((a, b) => b.at - a.at)
      .slice(0, limit);
    if (opts.json) return printJson(timeline);
    const rows = [['TIME', 'WHAT', 'DETAIL']];
    for (const item of timeline) {
      if (item.type === 'event') rows.push([clockTime(item.at), item.entry.kind, item.entry.message]);
      else {
        const a = item.entry;
        const what = `${a.action}${a.target ? ` ${a.target}` : ''}`;
        rows.push([clockTime(a.at), what, `${a.deviceName ?? '?'} · ${a.decision} · ${resultOf(a)}`]);
      }
    }
    process.stdout.write(`${table(rows)}\n`);
  });
}

/** What became of a request that waited for a confirmation, in the Activity screen's words. */
const RESOLVED: Record<AuditResolution, string> = {
  confirmed: 'confirmed',
  expired: 'not confirmed in time',
  cancelled: 'cancelled',
  interrupted: 'home restarted before it was confirmed',
};

function resultOf(a: AuditRow): string {
  if (a.decision === 'confirm-required')
    return a.resolution
      ? RESOLVED[a.resolution]
      : a.outcome === 'pending'
        ? 'waiting for confirmation'
        : a.outcome;
  if (a.outcome === 'ok') return 'done';
  if (a.outcome === 'error') return `failed: ${a.message ?? a.code}`;
  // A refusal says why ('refused · refused' told nothing), as the Activity screen does.
  if (a.outcome === 'refused' && (a.message || a.code)) return `refused: ${a.message ?? a.code}`;
  return a.outcome;
}
