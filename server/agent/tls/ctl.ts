// ctl for the agent's certificate: `ctl tls` (name, issuer, until when and days left, CAA, the
// last renewal and its error) and `ctl tls renew` (asks the CA now, through the guard).
import type { Command } from 'commander';
import { type TlsInfo, TlsRenew } from '../../../shared/protocol/tls.js';
import type { CtlRegistrar } from '../../cli/ctl/commands.js';
import { type GuardedOptions, runGuarded } from '../../cli/ctl/guarded.js';
import { type CtlGlobalOptions, printJson, withSession } from '../../cli/ctl/session.js';
import { CliError } from '../../cli/errors.js';
import { ago, clockTime } from '../../cli/format.js';

const DAY_MS = 86_400_000;

// What ctl itself says (the agent's own sentences arrive translated in `summary`, `caa.text`, `lastError`).
const TEXT = {
  off: 'TLS is off: no tls: section in lifeline.yaml (docs/tls.md).',
  none: 'none yet',
  never: 'never',
  renewed: (name: string, until: string, days: number) =>
    `${name}: renewed, valid until ${until} (${days} days left).`,
  failed: (name: string, reason: string) => `renewal of ${name} failed: ${reason}; the agent keeps retrying`,
} as const;

/** Whole days until the end (negative once it has passed). */
export const daysLeft = (notAfter: number, now: number) => Math.floor((notAfter - now) / DAY_MS);

const view = (t: TlsInfo, now: number) => ({
  ...t,
  ...(t.notAfter !== undefined ? { daysLeft: daysLeft(t.notAfter, now) } : {}),
});

function lines(t: TlsInfo, now: number): string[] {
  const out = [`${t.name}: ${t.status}${t.expiresSoon ? ' (expires soon)' : ''}`];
  const row = (label: string, value: string) => out.push(`  ${label.padEnd(13)} ${value}`);
  row('issuer', t.issuer ?? TEXT.none);
  if (t.notAfter !== undefined)
    row('valid until', `${clockTime(t.notAfter)} (${daysLeft(t.notAfter, now)} days left)`);
  if (t.nextRenewalAt !== undefined) row('next renewal', clockTime(t.nextRenewalAt));
  row('CAA', t.caa ? `${t.caa.status}: ${t.caa.text}` : TEXT.none);
  row(
    'last renewal',
    t.lastRenewedAt ? `${clockTime(t.lastRenewedAt)} (${ago(t.lastRenewedAt, now)})` : TEXT.never,
  );
  if (t.lastError)
    row(
      'last error',
      `${t.lastError.message} (${t.lastError.code}, ${ago(t.lastError.at, now)}; ${t.failures} in a row)`,
    );
  if (t.origin)
    row(
      'served at',
      `${t.origin}${t.listening === false && t.listenError ? ` — LAN listener down: ${t.listenError}` : ''}`,
    );
  return out;
}

export async function ctlTls(opts: CtlGlobalOptions): Promise<void> {
  await withSession(opts, async (client) => {
    const now = Date.now();
    const all = client.list('tls').map((e) => e.data);
    if (opts.json) return printJson(all.map((t) => view(t, now)));
    if (all.length === 0) return void process.stdout.write(`${TEXT.off}\n`);
    process.stdout.write(`${all.flatMap((t) => lines(t, now)).join('\n')}\n`);
  });
}

export async function ctlTlsRenew(opts: CtlGlobalOptions & GuardedOptions): Promise<void> {
  await withSession(opts, async (client) => {
    const data = await runGuarded(client, TlsRenew, {}, opts);
    const now = Date.now();
    // The entity is published before the result is sent: it says why a renewal failed.
    const t = client.list('tls')[0]?.data;
    const ok = data.status === 'valid';
    if (opts.json) {
      printJson({ ...data, ...(t ? { tls: view(t, now) } : {}) });
      if (!ok) process.exitCode = 1;
      return;
    }
    const name = t?.name ?? 'the certificate';
    if (!ok) throw new CliError(TEXT.failed(name, t?.lastError?.message ?? data.status));
    const until = data.notAfter ?? t?.notAfter;
    process.stdout.write(
      `${until === undefined ? `${name}: ${data.status}.` : TEXT.renewed(name, clockTime(until), daysLeft(until, now))}\n`,
    );
  });
}

export const registerTls: CtlRegistrar = (ctl: Command, g) => {
  const tls = ctl
    .command('tls')
    .description("the agent's certificate: issuer, valid until, CAA, last renewal and its error")
    .option('--json', 'machine-readable output')
    .action((o: { json?: boolean }) => ctlTls({ ...g(), ...o }));
  tls
    .command('renew')
    .description('renew the certificate now (asks the CA; joins an attempt already running)')
    .option('-y, --yes', 'answer a confirmation, if the agent asks for one')
    .option('--json', 'machine-readable output')
    .action((o: { yes?: boolean; json?: boolean }) => ctlTlsRenew({ ...g(), ...tls.opts(), ...o }));
};
