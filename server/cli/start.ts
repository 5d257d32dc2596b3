// `lifeline start` (agent + embedded relay) and `lifeline agent` (agent alone).
import path from 'node:path';
import { createAgent } from '../agent/agent.js';
import { loadOrCreateAgentIdentity } from '../agent/identity.js';
import { defaultRelaySettings } from '../config/relay-settings.js';
import { createLogger } from '../log.js';
import { Relay } from '../relay/relay.js';
import { configPath, ensureConfig, loadOrFail } from './config-file.js';
import { CliError } from './errors.js';
import { terminalQr } from './terminal-qr.js';

export interface StartOptions {
  config?: string;
  port?: string;
}

export async function runStart(opts: StartOptions, mode: 'start' | 'agent'): Promise<void> {
  const file = configPath(opts.config);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  if (mode === 'start') ensureConfig(file, say);
  const loaded = loadOrFail(file);
  const port = opts.port === undefined ? undefined : Number(opts.port);
  const log = createLogger(mode);
  if (mode === 'agent' && !loaded.config.relay)
    throw new CliError(
      'relay.url is not set: `lifeline agent` links out to a relay (use `lifeline start` for the embedded one)',
    );
  const relay =
    mode === 'start'
      ? new Relay({
          settings: loaded.config.relayServer ?? defaultRelaySettings(),
          dataDir: path.join(loaded.dataDir, 'relay'),
          extraHomes: [await homeIdOf(loaded.dataDir)],
          log: log.child('relay'),
        })
      : undefined;
  const agent = await createAgent({
    loaded,
    log,
    ...(port !== undefined ? { port } : {}),
    ...(relay ? { relay } : {}),
  });
  const url = await agent.listen();
  say(`Lifeline is running: ${url}`);
  say(`Home id: ${agent.homeId}`);
  const paired = agent.state.list('devices').length;
  if (paired === 0) {
    const { link } = agent.pairing.link(agent.publicUrl(), agent.homeId, null);
    say('\nPair your phone: scan this code, or open the link (valid 10 minutes, single use):');
    say(await terminalQr(link));
    say(link);
  } else {
    say(`${paired} device(s) paired. Run \`lifeline pair\` to add another.`);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping`);
    await agent.close();
    await relay?.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

async function homeIdOf(dataDir: string): Promise<string> {
  return (await loadOrCreateAgentIdentity(dataDir)).identity.id;
}
