// `lifeline start` (agent + embedded relay) and `lifeline agent` (agent alone).
import { createAgent } from '../agent/agent.js';
import { relayLinkNote, standbyBaseUrl } from '../config/public-url.js';
import { startHeapHousekeeping } from '../heap-housekeeping.js';
import { createLogger } from '../log.js';
import { lockDataDir } from '../store/data-lock.js';
import { ensureDataDir } from '../store/db.js';
import { configPath, ensureConfig, loadOrFail } from './config-file.js';
import { CliError } from './errors.js';

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
  const options = { loaded, log, ...(port !== undefined ? { port } : {}) };
  ensureDataDir(loaded.dataDir);
  const release = lockDataDir(loaded.dataDir);
  const composed =
    mode === 'start'
      ? // The embedded relay's modules (and pg, web-push) load only for `lifeline start`.
        await (await import('../compose.js')).composeAgentWithRelay(options)
      : await createAgent(options).then((agent) => ({
          agent,
          listen: () => agent.listen(),
          passthrough: undefined,
          close: () => agent.close(),
        }));
  const { agent, close } = composed;
  // Before it says it runs: a stop right after that is a clean stop, not the default signal death.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping`);
    await close();
    release();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  let url: string;
  try {
    url = await composed.listen();
  } catch (err) {
    // A port in use, say: a clean stop of what did start, so the next run is not told of a crash.
    stopping = true;
    await close().catch(() => {});
    release();
    throw err;
  }
  // What polling leaves in the old generation goes back to the system as the agent idles.
  startHeapHousekeeping({ log });
  say(`Lifeline is running: ${url}`);
  const pass = composed.passthrough;
  if (pass) say(`TLS pass-through (this home's and the relayed homes' names) on ${pass.host}:${pass.port}`);
  say(`Home id: ${agent.homeId}`);
  const paired = agent.state.list('devices').length;
  if (paired === 0 && !process.stdout.isTTY) {
    // Output that is no terminal ends up in logs (journald, docker logs): a pairing code must not.
    say('No device paired yet. Run `lifeline pair` in a terminal to pair your phone.');
  } else if (paired === 0) {
    const { link } = agent.pairing.link(
      agent.publicUrl(),
      agent.homeId,
      null,
      standbyBaseUrl(agent.context.config),
    );
    say('\nPair your phone: scan this code, or open the link (valid 10 minutes, single use):');
    const { terminalQr } = await import('./terminal-qr.js');
    say(await terminalQr(link));
    say(link);
    const note = relayLinkNote(agent.context.config, agent.publicUrl());
    if (note) say(`Note: ${note}`);
  } else {
    say(`${paired} device(s) paired. Run \`lifeline pair\` to add another.`);
  }
}
