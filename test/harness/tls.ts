// A self-signed certificate for 127.0.0.1/localhost made with Debian's openssl, for test HTTPS servers.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './temp.js';

export interface TestCert {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
  remove(): void;
}

export function makeCert(cn = 'localhost'): TestCert {
  const tmp = tempDir('lifeline-tls-');
  const certFile = path.join(tmp.dir, 'cert.pem');
  const keyFile = path.join(tmp.dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${cn}`,
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return {
    cert: readFileSync(certFile, 'utf8'),
    key: readFileSync(keyFile, 'utf8'),
    certFile,
    keyFile,
    remove: tmp.remove,
  };
}
