// Is the machine up? A TCP connect to the configured port (a refusal counts: only a live network
// stack sends a reset), or an ICMP echo through the system's `ping` (Debian: iputils-ping), which
// needs a raw or ping socket — without that permission the probe says so instead of guessing.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { msg } from '../../../shared/messages/say.js';
import type { MessageRef } from '../../../shared/protocol/message.js';
import type { HostNotice } from '../../../shared/protocol/vocabulary.js';

export type ProbeResult =
  /** `answerMsg`: the same answer as a catalogue message (shared/messages/machines.ts). */
  | { up: true; answer: string; answerMsg?: MessageRef }
  | { up: false; detail: string }
  /** The probe itself could not run; the host's state is unknown. */
  | { up: null; problem: HostNotice };

export interface Prober {
  /** `signal` ends the probe early (the agent is stopping): it resolves as "no answer". */
  tcp(address: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<ProbeResult>;
  icmp(address: string, timeoutMs: number, signal?: AbortSignal): Promise<ProbeResult>;
}

export function probeTcp(
  address: string,
  port: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    const done = (r: ProbeResult) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
      socket.destroy();
      resolve(r);
    };
    const stop = () => done({ up: false, detail: 'stopped' });
    const timer = setTimeout(() => done({ up: false, detail: 'no answer' }), timeoutMs);
    if (signal?.aborted) return stop();
    signal?.addEventListener('abort', stop, { once: true });
    socket.once('connect', () =>
      done({ up: true, answer: `port ${port} open`, answerMsg: msg('machines.answer.open', { port }) }),
    );
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED')
        done({
          up: true,
          answer: `port ${port} closed, host answered`,
          answerMsg: msg('machines.answer.closed', { port }),
        });
      else done({ up: false, detail: err.code ?? err.message });
    });
  });
}

export function probeIcmp(
  address: string,
  timeoutMs: number,
  command = 'ping',
  signal?: AbortSignal,
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve({ up: false, detail: 'stopped' });
    const seconds = Math.max(1, Math.round(timeoutMs / 1000));
    // -q: no per-reply lines, so no reverse DNS lookups (DNS may be what is broken today).
    const child = spawn(command, ['-q', '-c', '1', '-W', String(seconds), address], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 2000) stderr += d.toString();
    });
    const kill = () => child.kill('SIGKILL');
    const killer = setTimeout(kill, timeoutMs + 3000);
    signal?.addEventListener('abort', kill, { once: true });
    let settled = false;
    const done = (r: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(killer);
      signal?.removeEventListener('abort', kill);
      resolve(r);
    };
    child.once('error', (err: NodeJS.ErrnoException) =>
      done({
        up: null,
        problem:
          err.code === 'ENOENT'
            ? {
                code: 'icmp-unavailable',
                message: `the ICMP probe needs the ${command} command (Debian: apt install iputils-ping), or use probe: { tcp: <port> }`,
                params: { command },
              }
            : {
                code: 'icmp-failed',
                message: `${command} could not run: ${err.code ?? err.message}`,
                params: { detail: err.code ?? err.message },
              },
      }),
    );
    child.once('close', (code) => {
      if (code === 0) return done({ up: true, answer: 'echo reply', answerMsg: msg('machines.answer.echo') });
      const lines = stderr.trim().split('\n');
      const denied = lines.find((l) => /not permitted|permission denied/i.test(l));
      if (denied)
        return done({
          up: null,
          problem: {
            code: 'icmp-not-permitted',
            message: `ICMP is not permitted for the agent (${denied.trim()}); give it CAP_NET_RAW, widen net.ipv4.ping_group_range, or use probe: { tcp: <port> }`,
          },
        });
      const text = lines.at(-1)?.trim() ?? '';
      if (code === 1 || text === '') return done({ up: false, detail: 'no echo reply' });
      done({ up: false, detail: text.slice(0, 200) });
    });
  });
}

export const systemProber: Prober = {
  tcp: probeTcp,
  icmp: (a, t, signal) => probeIcmp(a, t, 'ping', signal),
};
