// `lifeline pair`: a single-use pairing link + QR, valid 10 minutes. Works whether or not the
// agent is running: the code goes straight into the agent's database.

import { loadOrCreateAgentIdentity } from '../agent/identity.js';
import { LISTEN_PORT_KEY } from '../agent/listen-port.js';
import { PairingService } from '../agent/pairing.js';
import { systemClock } from '../clock.js';
import { publicBaseUrl, relayLinkNote, standbyBaseUrl } from '../config/public-url.js';
import { openDatabase } from '../store/db.js';
import { DevicesRepo } from '../store/devices-repo.js';
import { KvRepo } from '../store/kv-repo.js';
import { PairingRepo } from '../store/pairing-repo.js';
import { configPath, loadOrFail } from './config-file.js';
import { terminalQr } from './terminal-qr.js';

export async function runPair(opts: {
  config?: string;
  json?: boolean;
  url?: string;
  port?: string;
}): Promise<void> {
  const loaded = loadOrFail(configPath(opts.config));
  const { identity } = await loadOrCreateAgentIdentity(loaded.dataDir);
  const db = openDatabase(loaded.dataDir);
  try {
    // The port the agent last listened on (it may run with -p), unless one is given here.
    const port = opts.port !== undefined ? Number(opts.port) : new KvRepo(db).get<number>(LISTEN_PORT_KEY);
    const base = opts.url ?? publicBaseUrl(loaded.config, port);
    const pairing = new PairingService(new PairingRepo(db), new DevicesRepo(db), systemClock);
    const { link, expiresAt } = pairing.link(base, identity.id, null, standbyBaseUrl(loaded.config));
    const note = opts.url === undefined ? relayLinkNote(loaded.config, base) : null;
    // On stderr, so --json output stays one document.
    if (note) process.stderr.write(`lifeline: note: ${note}\n`);
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ link, expiresAt, homeId: identity.id })}\n`);
      return;
    }
    process.stdout.write(`${await terminalQr(link)}\n${link}\n\nValid for 10 minutes, for one device.\n`);
  } finally {
    db.close();
  }
}
