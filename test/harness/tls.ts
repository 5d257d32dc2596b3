// A throwaway CA and a server certificate for 127.0.0.1 / ::1 / localhost, made with Debian's openssl,
// so HTTPS test servers need no trust in anything outside the test.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './temp.js';

export interface TestCerts {
  dir: string;
  caFile: string;
  ca: string;
  cert: string;
  key: string;
  remove(): void;
}

/** `dns`: more names for the server certificate (e.g. `home.test`). */
export function makeCerts(opts: { dns?: string[] } = {}): TestCerts {
  const tmp = tempDir('lifeline-tls-');
  const f = (n: string) => path.join(tmp.dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  selfSignedCertificate({
    certFile: f('ca.pem'),
    keyFile: f('ca.key'),
    subject: 'Lifeline test CA',
    altNames: [],
    days: 2,
  });
  ssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    f('server.key'),
    '-out',
    f('server.csr'),
    '-subj',
    '/CN=localhost',
  );
  const extra = (opts.dns ?? []).map((n) => `,DNS:${n}`).join('');
  writeFileSync(f('ext.cnf'), `subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost${extra}\n`);
  ssl(
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-out',
    f('server.pem'),
    '-days',
    '2',
    '-extfile',
    f('ext.cnf'),
  );
  return {
    dir: tmp.dir,
    caFile: f('ca.pem'),
    ca: readFileSync(f('ca.pem'), 'utf8'),
    cert: readFileSync(f('server.pem'), 'utf8'),
    key: readFileSync(f('server.key'), 'utf8'),
    remove: tmp.remove,
  };
}

/**
 * A self-signed EC P-256 certificate written to `certFile` / `keyFile`, for `subject` (CN) and
 * `altNames` (the subjectAltName entries, e.g. `DNS:home.test`, `IP:127.0.0.1`; none for a CA),
 * valid `days` days.
 */
export function selfSignedCertificate(opts: {
  certFile: string;
  keyFile: string;
  subject: string;
  altNames: string[];
  days: number;
}): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      opts.keyFile,
      '-out',
      opts.certFile,
      '-days',
      String(opts.days),
      '-subj',
      `/CN=${opts.subject}`,
      ...(opts.altNames.length > 0 ? ['-addext', `subjectAltName=${opts.altNames.join(',')}`] : []),
    ],
    { stdio: 'pipe' },
  );
}
