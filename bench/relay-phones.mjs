// A load generator for bench/relay-shape.mjs, in its own process: phones' connections to the
// relay's TLS pass-through port, each a real ClientHello for one home's name and then small
// messages, which the home's agent (bench/relay-homes.mjs) echoes back. A stream counts as set up
// when its hello has come back through relay → agent → relay. Sources are spread over several
// loopback addresses. Driven over the IPC channel by the parent.
import net from 'node:net';
import { helloFor } from './relay-shape-wire.mjs';

const [first, count, perHome, addresses] = [
  Number(process.argv[2]),
  Number(process.argv[3]),
  Number(process.argv[4]),
  process.argv[5].split(','),
];
const MESSAGE = 32;
const payload = Buffer.alloc(MESSAGE, 0x61);
const streams = [];
const samples = [];
let hello;

function open(port, home, localAddress) {
  return new Promise((resolve) => {
    const first = hello(home);
    const s = { socket: null, sent: [], got: 0, open: false, closed: false };
    const socket = net.connect({ host: '127.0.0.1', port, localAddress, noDelay: true });
    s.socket = socket;
    let echoed = 0;
    const done = (ok, why) => {
      if (s.settled) return;
      s.settled = true;
      resolve({ ok, why, s });
    };
    socket.on('connect', () => socket.write(first));
    socket.on('data', (chunk) => {
      if (!s.open) {
        echoed += chunk.length;
        if (echoed < first.length) return;
        s.open = true;
        s.got = echoed - first.length;
        done(true);
      } else s.got += chunk.length;
      // Each full message back is one round trip of the oldest sent.
      while (s.got >= MESSAGE && s.sent.length > 0) {
        s.got -= MESSAGE;
        const { t0, answered } = s.sent.shift();
        samples.push(performance.now() - t0);
        answered?.();
      }
    });
    socket.on('error', (err) => done(false, err.code ?? err.message));
    socket.on('close', () => {
      s.closed = true;
      for (const e of s.sent) e.answered?.();
      done(false, 'closed');
    });
  });
}

/** Sends one message; with `wait`, resolves when it came back (or the stream closed). */
function send(s, wait = false) {
  const entry = { t0: performance.now(), answered: null };
  s.sent.push(entry);
  s.socket.write(payload);
  if (!wait) return;
  return new Promise((resolve) => {
    if (s.closed) return resolve();
    entry.answered = resolve;
  });
}

const pick = () => streams[Math.floor(Math.random() * streams.length)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function untilAnswered(timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (streams.some((s) => s.sent.length > 0 && !s.closed) && Date.now() < deadline) await sleep(5);
}

process.on('message', async (m) => {
  try {
    if (m.op === 'open') {
      hello ??= await helloFor();
      const want = [];
      for (let h = first; h < first + count; h++) for (let k = 0; k < perHome; k++) want.push(h);
      const t0 = performance.now();
      let failed = 0;
      const whys = new Map();
      for (let i = 0; i < want.length; i += m.wave) {
        const wave = want.slice(i, i + m.wave);
        const got = await Promise.all(
          wave.map((h, j) => open(m.port, h, addresses[(i + j) % addresses.length])),
        );
        for (const g of got) {
          if (g.ok) streams.push(g.s);
          else {
            failed++;
            whys.set(g.why, (whys.get(g.why) ?? 0) + 1);
          }
        }
      }
      process.send({
        op: 'opened',
        ms: performance.now() - t0,
        held: streams.length,
        failed,
        whys: Object.fromEntries(whys),
      });
    } else if (m.op === 'ping') {
      // One round trip at a time, on streams spread over those held.
      samples.length = 0;
      for (let i = 0; i < m.count; i++) {
        await send(streams[(i * 7919) % streams.length], true);
      }
      process.send({ op: 'pinged', samples: [...samples] });
    } else if (m.op === 'burst') {
      // Closed loop: `concurrency` messages in flight at once, on random streams, `total` in all.
      samples.length = 0;
      const t0 = performance.now();
      let sent = 0;
      const worker = async () => {
        while (sent < m.total) {
          sent++;
          await send(pick(), true);
        }
      };
      await Promise.all(Array.from({ length: m.concurrency }, worker));
      await untilAnswered();
      process.send({ op: 'burst', ms: performance.now() - t0, done: samples.length });
    } else if (m.op === 'load') {
      // Open loop: `rate` messages a second, on random streams, for `seconds`, whatever comes back.
      samples.length = 0;
      const t0 = performance.now();
      let sent = 0;
      while (performance.now() - t0 < m.seconds * 1000) {
        const due = Math.floor(((performance.now() - t0) / 1000) * m.rate);
        for (; sent < due; sent++) send(pick());
        await sleep(2);
      }
      await untilAnswered();
      const lost = streams.reduce((n, s) => n + s.sent.length, 0);
      for (const s of streams) s.sent.length = 0;
      process.send({ op: 'loaded', sent, lost, ms: performance.now() - t0, samples: [...samples] });
    } else if (m.op === 'stats') {
      process.send({ op: 'stats', held: streams.filter((s) => !s.closed).length });
    } else if (m.op === 'close') {
      for (const s of streams) s.socket.destroy();
      process.send({ op: 'closed' });
    }
  } catch (err) {
    process.send({ op: 'error', message: String(err?.stack ?? err) });
  }
});
process.send({ op: 'ready' });
