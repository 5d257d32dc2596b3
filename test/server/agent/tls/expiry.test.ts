// When renewal keeps failing, the owner hears of it 14 days before the certificate ends: once
// (an event, which goes out as a push), not again after a restart; and the app's entity, /metrics
// and `lifeline check` all say when it ends.
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TlsInfo } from '../../../../shared/protocol/tls.js';
import { prepareAgentDir, startTestAgent, type TestAgent, waitFor } from '../../../harness/agent.js';
import { selfSignedCertificate } from '../../../harness/tls.js';

const NAME = 'home.lifeline.test';
let t: TestAgent;
let notAfter: number;

beforeAll(async () => {
  const prepared = await prepareAgentDir();
  const dir = path.join(prepared.dir, 'data', 'tls');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = path.join(dir, 'certificate.key');
  const cert = path.join(dir, 'certificate.pem');
  // A certificate with 10 days left, as after weeks of failed renewals.
  selfSignedCertificate({ certFile: cert, keyFile: key, subject: NAME, altNames: [`DNS:${NAME}`], days: 10 });
  notAfter = Date.parse(new X509Certificate(readFileSync(cert)).validTo);
  const config = {
    home: { name: 'Test home' },
    listen: { host: '127.0.0.1', port: 0 },
    tls: {
      name: NAME,
      // Nothing answers there: every renewal fails.
      directory: 'https://127.0.0.1:9/directory',
      provider: {
        provider: 'rfc2136',
        server: '127.0.0.1:9',
        zone: 'lifeline.test',
        key: { name: 'k', algorithm: 'hmac-sha256', secret: Buffer.alloc(32, 1).toString('base64') },
      },
      listen: { host: '127.0.0.1', port: 0 },
    },
  };
  t = await startTestAgent({ yaml: JSON.stringify(config) }, prepared);
});

afterAll(async () => {
  await t?.close();
});

const tlsInfo = () => t.agent.state.get('tls', NAME) as TlsInfo | undefined;
const events = () => t.agent.events.list({ limit: 50, kind: 'tls.expires-soon' });

describe('certificate expiry', () => {
  it('notifies once, 14 days before the end, and says so on every surface', async () => {
    await waitFor(() => events().length > 0, 10_000, 'the expiry event');
    expect(events()).toHaveLength(1);
    expect(events()[0]).toMatchObject({ severity: 'warning', subject: NAME });
    expect(events()[0]!.message).toMatch(/expires in 1?\d days/);
    expect(tlsInfo()).toMatchObject({ expiresSoon: true, notAfter });
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toContain(`lifeline_tls_certificate_not_after_seconds ${notAfter / 1000}`);
    const row = (await t.agent.check()).find((r) => r.name === 'tls');
    expect(row?.status).toBe('warn');
  });

  it('lifeline check reads the stored certificate without starting a renewal', async () => {
    const { runCli } = await import('../../../harness/cli.js');
    const r = await runCli(['check', '-c', path.join(t.dir, 'lifeline.yaml'), '--json']);
    const rows = (JSON.parse(r.stdout) as { checks: { name: string; status: string; detail: string }[] })
      .checks;
    const tls = rows.find((row) => row.name === 'tls');
    expect(tls?.status).toBe('warn');
    expect(tls?.detail).toMatch(/expires in 1?\d days/);
    expect(rows.find((row) => row.name === 'tls.caa')?.detail).toMatch(/no ACME account yet/);
  });

  it('does not notify again after a restart', async () => {
    await t.restart();
    await waitFor(() => tlsInfo()?.expiresSoon, 10_000, 'the state after restart');
    await new Promise((r) => setTimeout(r, 300));
    expect(events()).toHaveLength(1);
  });
});
