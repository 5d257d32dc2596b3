// A real Mosquitto broker for the MQTT drivers: its own config in a temp folder, its own port on
// 127.0.0.1, stopped (and the folder removed) by close(), even when a test failed.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { killAndWait } from './child.js';
import { launchOnFreePort } from './cli.js';
import { tempDir } from './temp.js';

export const MOSQUITTO = process.env.MOSQUITTO_PATH ?? '/usr/sbin/mosquitto';

export interface Broker {
  address: string;
  port: number;
  /** Stops the broker as a crash would (clients see the connection drop). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startMosquitto(): Promise<Broker> {
  const tmp = tempDir('lifeline-mosquitto-');
  const conf = path.join(tmp.dir, 'mosquitto.conf');
  let child: ChildProcess | undefined;
  let port = 0;
  const launch = async () => {
    writeFileSync(
      conf,
      `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\nlog_type error\n`,
    );
    const c = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr!.on('data', (d) => (err += d));
    child = c;
    const deadline = Date.now() + 10_000;
    while (!(await accepts(port))) {
      if (c.exitCode !== null) throw new Error(`mosquitto exited: ${err.trim()}`);
      if (Date.now() > deadline) throw new Error('mosquitto did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (c) await killAndWait(c);
  };
  try {
    await launchOnFreePort(
      (p) => {
        port = p;
        return launch();
      },
      stop,
      4,
    );
  } catch (err) {
    tmp.remove();
    throw err;
  }
  return {
    address: `127.0.0.1:${port}`,
    port,
    stop,
    start: launch,
    async close() {
      await stop();
      tmp.remove();
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
