// The real `lifeline start` running inside a lab's agent namespace (see netns.ts), reachable from
// the test over a Unix socket bridged to a loopback port here — so ctl, the PWA and test clients
// talk to it while its broadcasts, probes and ARP table are the namespace's own.
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { wsTransport } from '../../server/ws-transport.js';
import { AgentClient } from '../../shared/client/agent-client.js';
import { parsePairingLink, sessionUrl } from '../../shared/pairing-link.js';
import { openClientSession } from '../../shared/session/client-session.js';
import { generateIdentity } from '../../shared/session/keys.js';
import { BIN, type CliResult, runCli } from './cli.js';
import { jsonLines, type Lab, type Machine, stopChild } from './netns.js';
import { tempDir } from './temp.js';

const BRIDGE = fileURLToPath(new URL('./unix-bridge.mjs', import.meta.url));
const SIMULATOR = fileURLToPath(new URL('../simulators/wol-machine.mjs', import.meta.url));

export interface NetnsAgent {
  /** http://127.0.0.1:<port> in the test's namespace, forwarded to the agent. */
  url: string;
  dir: string;
  config: string;
  /** A fresh single-use pairing link pointing at `url`. */
  pairingLink(): Promise<string>;
  /** A paired client (pairs a new device each time). */
  client(name?: string): Promise<AgentClient>;
  /** Runs the `lifeline` CLI inside the agent's namespace (for `check`). */
  cliInside(args: string[]): Promise<CliResult>;
  output(): string;
  close(): Promise<void>;
}

function waitForLine(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs: number,
  output: () => string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${pattern}; output:\n${output()}`)),
      timeoutMs,
    );
    const check = () => {
      if (pattern.test(output())) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}; output:\n${output()}`));
    });
  });
}

export async function startNetnsAgent(lab: Lab, hostsYaml: string): Promise<NetnsAgent> {
  const tmp = tempDir();
  const config = path.join(tmp.dir, 'lifeline.yaml');
  writeFileSync(
    config,
    `home: { name: Lab home }\nlisten: { host: 127.0.0.1, port: 8080 }\ndata: ./data\n${hostsYaml}`,
  );
  let out = '';
  const agent = lab.spawn(lab.agentNs, process.execPath, [BIN, 'start', '-c', config], {
    env: { LIFELINE_LOG: 'warn' },
    cwd: tmp.dir,
  });
  agent.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  agent.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const sock = path.join(tmp.dir, 'agent.sock');
  let server: net.Server | undefined;
  const close = async () => {
    await stopChild(agent);
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    tmp.remove();
  };
  try {
    await waitForLine(agent, /Lifeline is running/, 30_000, () => out);
    const bridge = lab.spawn(lab.agentNs, process.execPath, [BRIDGE, sock, '127.0.0.1', '8080']);
    let bridgeOut = '';
    bridge.stdout!.on('data', (d: Buffer) => (bridgeOut += d.toString()));
    bridge.stderr!.on('data', (d: Buffer) => (bridgeOut += d.toString()));
    await waitForLine(bridge, /ready/, 10_000, () => bridgeOut);
    const srv = net.createServer((inbound) => {
      const outbound = net.connect(sock);
      inbound.pipe(outbound).pipe(inbound);
      inbound.on('error', () => outbound.destroy());
      outbound.on('error', () => inbound.destroy());
    });
    server = srv;
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  } catch (err) {
    await close();
    throw err;
  }
  const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;

  const pairingLink = async () => {
    const r = await runCli(['pair', '-c', config, '--url', url, '--json']);
    if (r.code !== 0) throw new Error(`lifeline pair failed: ${r.stderr}`);
    return (JSON.parse(r.stdout) as { link: string }).link;
  };

  return {
    url,
    dir: tmp.dir,
    config,
    pairingLink,
    async client(name = 'lab test') {
      const parsed = parsePairingLink(await pairingLink());
      if ('error' in parsed) throw new Error(parsed.error);
      const socket = new WebSocket(sessionUrl(url, parsed.homeId));
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
      const { identity } = await generateIdentity(false);
      const session = await openClientSession(wsTransport(socket), {
        homeId: parsed.homeId,
        device: identity,
        client: { kind: 'ctl', version: 'test' },
        pair: { code: parsed.code, name },
      });
      const client = new AgentClient(session);
      await client.ready();
      return client;
    },
    cliInside(args) {
      return new Promise((resolve, reject) => {
        const child = lab.spawn(lab.agentNs, process.execPath, [BIN, ...args], {
          env: { LIFELINE_LOG: 'warn' },
          cwd: tmp.dir,
        });
        child.stdin?.end();
        let stdout = '';
        let stderr = '';
        child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
        child.once('error', reject);
        child.once('close', (code) => resolve({ code, stdout, stderr }));
      });
    },
    output: () => out,
    close,
  };
}

export type MachineEvent =
  | { t: 'ready' }
  | { t: 'awake'; tcp: number }
  | { t: 'asleep' }
  | { t: 'packet'; to: string; port: number; from: string; hex: string; forMe: boolean };

export interface SimulatedMachine extends Machine {
  events: ReturnType<typeof jsonLines<MachineEvent>>;
  /** Puts the machine to sleep and resolves once it is silent. */
  sleep(): Promise<void>;
  /** Resolves once the machine has woken `times` times in all. */
  wokenTimes(times: number): Promise<void>;
}

/** A machine with Wake-on-LAN armed (test/simulators/wol-machine.mjs) in its own namespace. */
export async function startMachine(
  lab: Lab,
  opts: { mac: string; tcp?: number; bootSeconds?: number; secureOn?: string; awake?: boolean },
): Promise<SimulatedMachine> {
  const machine = lab.addMachine(opts.mac);
  const child = lab.spawn(machine.ns, process.execPath, [
    SIMULATOR,
    JSON.stringify({ ...opts, ip: machine.ip, broadcast: lab.broadcast }),
  ]);
  const events = jsonLines<MachineEvent>(child);
  await events.next((e) => e.t === 'ready', 15_000, 'the simulated machine');
  const count = (t: MachineEvent['t']) => events.seen.filter((e) => e.t === t).length;
  return {
    ...machine,
    events,
    async sleep() {
      const before = count('asleep');
      child.stdin?.write('sleep\n');
      await events.next(() => count('asleep') > before, 10_000, 'the machine to sleep');
    },
    async wokenTimes(times) {
      await events.next(() => count('awake') >= times, 30_000, `wake number ${times}`);
    },
  };
}
