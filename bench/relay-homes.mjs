// A load generator for bench/relay-shape.mjs, in its own process: many homes' agent links to one
// relay, each with the real link protocol — the agent's own link authentication (link-auth.ts:
// the challenge signed with the home's key, the names it asks the relay to pass TLS through for),
// heartbeats at the rate the relay's welcome asks for, and phones' pass-through streams handled by
// the agent's own stream code (passthrough-streams.ts, credit both ways), each echoed back byte for
// byte (the relay cannot see inside a stream anyway). Driven over the IPC channel by the parent.
import WebSocket from 'ws';
import { createLinkAuth } from '../dist/server/agent/relay-link/link-auth.js';
import { createPassthroughStreams } from '../dist/server/agent/relay-link/passthrough-streams.js';
import { silentLogger } from '../dist/server/log.js';
import { parseControl, RelayToAgent } from '../dist/shared/protocol/relay-link.js';
import { generateIdentity } from '../dist/shared/session/keys.js';
import { homeName } from './relay-shape-wire.mjs';

const [first, count, addresses] = [
  Number(process.argv[2]),
  Number(process.argv[3]),
  process.argv[4].split(','),
];
const homes = [];
let pingTimer;

function link(url, home, localAddress) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { localAddress, handshakeTimeout: 30_000, maxPayload: 1024 * 1024 });
    home.ws = ws;
    const send = (frame) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
    };
    const sendData = (bytes) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(bytes, { binary: true });
    };
    const pipes = createPassthroughStreams({
      sink: () => (stream) => stream.pipe(stream),
      sendData,
      send,
    });
    home.pipes = pipes;
    const done = (ok, why) => {
      if (home.settled) return;
      home.settled = true;
      resolve({ ok, why });
    };
    const auth = createLinkAuth(
      {
        identity: home.identity,
        homeId: home.identity.id,
        homeName: () => `bench ${home.i}`,
        origin: new URL(url).origin,
        names: [homeName(home.i)],
        send,
        log: silentLogger,
      },
      {
        welcome: (w) => {
          home.up = true;
          home.heartbeatSeconds = w.heartbeatSeconds ?? 10;
          done(true);
        },
        fail: (why) => {
          ws.terminate();
          done(false, why);
        },
      },
    );
    ws.on('message', (data, binary) => {
      if (binary) {
        pipes.data(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        return;
      }
      const text = data.toString('utf8');
      if (!auth(text)) return;
      const frame = parseControl(RelayToAgent, text);
      if (frame?.t === 'open' && frame.kind === 'tls') pipes.open(frame.sid, frame.source, frame.name ?? '');
      else if (frame?.t === 'close') pipes.closed(frame.sid);
      else if (frame?.t === 'credit') pipes.credit(frame.sid, frame.n);
    });
    ws.on('error', (err) => done(false, err.message));
    ws.on('close', (code) => {
      if (home.up) home.lost = (home.lost ?? 0) + 1;
      home.up = false;
      pipes.endAll();
      done(false, `closed ${code}`);
    });
  });
}

process.on('message', async (m) => {
  try {
    if (m.op === 'ids') {
      for (let i = first; i < first + count; i++)
        homes.push({ i, identity: (await generateIdentity(false)).identity });
      process.send({ op: 'ids', ids: homes.map((h) => h.identity.id) });
    } else if (m.op === 'link') {
      // Heartbeats as a real agent sends them: each link once per heartbeatSeconds, spread evenly.
      let tick = 0;
      pingTimer = setInterval(() => {
        tick++;
        for (const h of homes) {
          const every = h.heartbeatSeconds * 10;
          if (h.up && (h.i + tick) % every === 0) h.ws.send(JSON.stringify({ t: 'ping', at: Date.now() }));
        }
      }, 100);
      const t0 = performance.now();
      let failed = 0;
      const whys = new Map();
      for (let i = 0; i < homes.length; i += m.wave) {
        const wave = homes.slice(i, i + m.wave);
        const got = await Promise.all(
          wave.map((h, j) => link(m.url, h, addresses[(i + j) % addresses.length])),
        );
        for (const g of got)
          if (!g.ok) {
            failed++;
            whys.set(g.why, (whys.get(g.why) ?? 0) + 1);
          }
      }
      const ms = performance.now() - t0;
      process.send({
        op: 'linked',
        ms,
        up: homes.filter((h) => h.up).length,
        failed,
        whys: Object.fromEntries(whys),
      });
    } else if (m.op === 'stats') {
      process.send({
        op: 'stats',
        up: homes.filter((h) => h.up).length,
        lost: homes.reduce((n, h) => n + (h.lost ?? 0), 0),
        streams: homes.reduce((n, h) => n + (h.pipes?.count ?? 0), 0),
      });
    } else if (m.op === 'close') {
      clearInterval(pingTimer);
      for (const h of homes) h.ws?.terminate();
      process.send({ op: 'closed' });
    }
  } catch (err) {
    process.send({ op: 'error', message: String(err?.stack ?? err) });
  }
});
process.send({ op: 'ready' });
