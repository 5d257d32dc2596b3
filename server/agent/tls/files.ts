// What TLS keeps in `<data>/tls/` (0700): the ACME account key and URL, the certificate key and
// chain, each 0600. Writes go to a temporary file renamed over the old one, so a crash leaves the
// old file or the new one, never half of either.
import { chmodSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { makeDirs } from '../../store/make-dirs.js';

export interface AccountRecord {
  /** The account URL (RFC 8555 `kid`), which CAA's `accounturi` names. */
  url: string;
  /** The directory the account belongs to: another CA needs another account. */
  directory: string;
}

export interface CertificatePair {
  /** The leaf certificate followed by its chain, PEM. */
  cert: string;
  key: string;
}

export interface TlsFiles {
  readonly dir: string;
  accountKey(): string | undefined;
  saveAccountKey(pem: string): void;
  account(): AccountRecord | undefined;
  saveAccount(account: AccountRecord): void;
  certificate(): CertificatePair | undefined;
  saveCertificate(pair: CertificatePair): void;
}

const NAMES = {
  accountKey: 'account.key',
  account: 'account.json',
  certKey: 'certificate.key',
  cert: 'certificate.pem',
};

export function tlsFiles(dataDir: string): TlsFiles {
  const dir = path.join(dataDir, 'tls');
  const file = (name: string) => path.join(dir, name);

  const read = (name: string): string | undefined => {
    try {
      return readFileSync(file(name), 'utf8');
    } catch {
      return undefined;
    }
  };

  const write = (name: string, text: string) => {
    makeDirs(dir, 0o700);
    chmodSync(dir, 0o700);
    const tmp = file(`.${name}.${process.pid}.tmp`);
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, 0o600);
    renameSync(tmp, file(name));
  };

  return {
    dir,
    accountKey: () => read(NAMES.accountKey),
    saveAccountKey: (pem) => write(NAMES.accountKey, pem),
    account() {
      const text = read(NAMES.account);
      if (!text) return undefined;
      try {
        const a = JSON.parse(text) as Partial<AccountRecord>;
        return typeof a.url === 'string' && typeof a.directory === 'string'
          ? { url: a.url, directory: a.directory }
          : undefined;
      } catch {
        return undefined;
      }
    },
    saveAccount: (a) => write(NAMES.account, `${JSON.stringify(a, null, 2)}\n`),
    certificate() {
      const cert = read(NAMES.cert);
      const key = read(NAMES.certKey);
      return cert && key ? { cert, key } : undefined;
    },
    saveCertificate(pair) {
      // Key first: a crash between the two renames leaves a pair that does not match, which the
      // keeper detects at start (and renews), rather than a certificate whose key is lost.
      write(NAMES.certKey, pair.key);
      write(NAMES.cert, pair.cert);
    },
  };
}
