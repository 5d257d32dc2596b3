// A load generator for bench/relay-capacity.mjs, in its own process: pairs one device, then opens
// sessions to one home through the relay and holds them, from its own loopback address so the
// relay's per-address limits see several sources. Driven over the IPC channel by the parent.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { wsTransport } from '../dist/server/ws-transport.js';
import { sessionUrl } from '../dist/shared/pairing-link.js';
import { openClientSession } from '../dist/shared/session/client-session.js';
import { generateIdentity } from '../dist/shared/session/keys.js';

const [relayUrl, homeId, directUrl, code, localAddress] = process.argv.slice(2);
const sessions = [];
let device;
let agentKey;

async function open(base, extra = {}) {
  const socket = new WebSocket(sessionUrl(base, homeId), { localAddress });
  const transport = wsTransport(socket);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const session = await openClientSession(transport, {
    homeId,
    device,
    client: { kind: 'ctl', version: 'bench' },
    ...(agentKey ? { pinnedAgentKey: agentKey } : {}),
    ...extra,
  });
  let frames = 0;
  const pongs = new Map();
  session.onFrame = (f) => {
    frames++;
    if (f.t === 'pong') pongs.get(f.at)?.(performance.now());
  };
  session.start();
  return { session, pongs, frames: () => frames };
}

async function ping(s) {
  const at = Math.random();
  const t0 = performance.now();
  const done = new Promise((resolve) => s.pongs.set(at, resolve));
  await s.session.send({ t: 'ping', at });
  const t1 = await done;
  s.pongs.delete(at);
  return t1 - t0;
}

process.on('message', async (m) => {
  try {
    if (m.op === 'pair') {
      ({ identity: device } = await generateIdentity(false));
      const first = await open(directUrl, { pair: { code, name: `load ${localAddress}` } });
      agentKey = first.session.agentKey;
      first.session.close();
      process.send({ op: 'paired' });
    } else if (m.op === 'open') {
      const t0 = performance.now();
      let failed = 0;
      for (let i = 0; i < m.count; i += m.wave) {
        const n = Math.min(m.wave, m.count - i);
        const got = await Promise.allSettled(Array.from({ length: n }, () => open(relayUrl)));
        for (const g of got) if (g.status === 'fulfilled') sessions.push(g.value);
        failed += got.filter((g) => g.status === 'rejected').length;
      }
      process.send({ op: 'opened', ms: performance.now() - t0, held: sessions.length, failed });
    } else if (m.op === 'ping') {
      // Round trips on sessions spread over those held, one at a time.
      const samples = [];
      for (let i = 0; i < m.count; i++) samples.push(await ping(sessions[(i * 7919) % sessions.length]));
      const alive = sessions.filter((s) => !s.session.isClosed).length;
      process.send({ op: 'pinged', samples, alive });
    } else if (m.op === 'close') {
      for (const s of sessions) s.session.close();
      process.send({ op: 'closed' });
    }
  } catch (err) {
    process.send({ op: 'error', message: String(err?.stack ?? err) });
  }
});
process.send({ op: 'ready' });
