// `lifeline relay`: the relay alone, on a small machine outside the house.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { systemClock } from '../clock.js';
import { DEFAULT_RELAY_CONFIG, loadRelayConfig } from '../config/relay-schema.js';
import { ConfigError } from '../config/yaml-file.js';
import { startHeapHousekeeping } from '../heap-housekeeping.js';
import { createLogger } from '../log.js';
import { buildRelayApp } from '../relay/app.js';
import { ownTlsFallback } from '../relay/own-tls.js';
import { openPassthroughPort } from '../relay/passthrough-port.js';
import { Relay } from '../relay/relay.js';
import { CliError } from './errors.js';

export async function runRelay(opts: { config?: string; port?: string; vapidKeys?: boolean }): Promise<void> {
  const file = path.resolve(opts.config ?? process.env.LIFELINE_RELAY_CONFIG ?? 'relay.yaml');
  if (!existsSync(file)) {
    writeFileSync(file, DEFAULT_RELAY_CONFIG, { mode: 0o600 });
    process.stdout.write(`Wrote a default relay config to ${file} — add your home ids under homes:.\n`);
  }
  let loaded: ReturnType<typeof loadRelayConfig>;
  try {
    loaded = loadRelayConfig(file);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message);
    throw err;
  }
  const { config } = loaded;
  const log = createLogger('relay');
  const relay = await Relay.open({
    settings: config,
    dataDir: loaded.dataDir,
    log,
    cluster: config.cluster?.database
      ? { database: config.cluster.database, instance: config.cluster.instance }
      : undefined,
    routeByName: config.cluster !== undefined,
  });
  if (opts.vapidKeys) {
    // Phones subscribe with one VAPID key: a standby relay (an agent's relay.standby) needs this pair.
    const { publicKey, privateKey } = relay.vapid;
    process.stdout.write(`vapidKeys:\n  publicKey: ${publicKey}\n  privateKey: ${privateKey}\n`);
    await relay.close();
    return;
  }
  const app = await buildRelayApp({
    relay,
    tls: config.listen.tls,
    trustProxy: config.trustProxy,
    metricsAllow: config.metrics.allow,
    serveApp: config.app.serve,
    otherRelays: config.otherRelays,
  });
  const port = opts.port === undefined ? config.listen.port : Number(opts.port);
  const address = await app.listen({ host: config.listen.host, port });
  process.stdout.write(`Lifeline relay is running: ${address.replace('0.0.0.0', 'localhost')}\n`);
  if (config.homes.length === 0)
    process.stdout.write('It serves no home yet: add home ids under homes: and restart.\n');
  else process.stdout.write(`Serving ${config.homes.length} home(s).\n`);
  const passthrough = config.passthrough
    ? await openPassthroughPort({
        settings: config.passthrough,
        relay,
        // The relay's own name to its own listener: served in this process, as from its client.
        ownTls: ownTlsFallback(config.passthrough.fallback, { ...config.listen, port }, app.server),
        clock: systemClock,
        log: log.child('passthrough'),
      })
    : undefined;
  if (passthrough)
    process.stdout.write(`TLS pass-through (homes' own names) on ${passthrough.host}:${passthrough.port}\n`);
  if (config.app.serve)
    process.stdout.write('Serving the app (app.serve): phones trust this relay with its code.\n');
  startHeapHousekeeping({ log });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await passthrough?.close();
    // The relay first: it ends every link in one go; closing the app first would end them one by one.
    await relay.close();
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
