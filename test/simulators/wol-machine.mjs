#!/usr/bin/env node
// A machine that sleeps with Wake-on-LAN armed, run inside its own network namespace
// (`ip netns exec <ns> node wol-machine.mjs '<json options>'`).
//
// Asleep it is silent like a powered-down PC whose NIC only watches for magic packets: no ARP in
// or out, and its interface carries a throwaway MAC, so frames for its real MAC (from a stale ARP
// cache) are dropped too. It listens for UDP on the broadcast, its own and the
// limited-broadcast address and checks each datagram against the AMD Magic Packet format:
// 6 × 0xFF, its MAC 16 times, then — if it has a SecureOn password — those 6 bytes.
// A packet for it boots it: after `bootSeconds` it takes its real MAC back, answers ARP and opens
// its TCP port. Reports on stdout as JSON lines; obeys "sleep" / "wake" lines on stdin.
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { createInterface } from 'node:readline';

const o = JSON.parse(process.argv[2] ?? '{}');
const iface = o.iface ?? 'eth0';
const ports = o.ports ?? [9, 7];
const mac = o.mac.toLowerCase();
const macBytes = Buffer.from(mac.replaceAll(':', ''), 'hex');
const password = o.secureOn ? Buffer.from(o.secureOn.replaceAll(':', ''), 'hex') : null;
const sleepMac = o.sleepMac ?? '02:5a:5a:00:00:01';

const say = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);

function isMagicFor(payload) {
  if (payload.length !== 102 && payload.length !== 108) return false;
  if (!payload.subarray(0, 6).equals(Buffer.alloc(6, 0xff))) return false;
  for (let i = 0; i < 16; i++) if (!payload.subarray(6 + i * 6, 12 + i * 6).equals(macBytes)) return false;
  if (password) return payload.length === 108 && payload.subarray(102).equals(password);
  return true;
}

let state = 'asleep';
let tcp = null;
let bootTimer = null;

// Asleep, the interface sends and answers no ARP at all (a sleeping PC is silent: an ARP request
// from it would teach the network its throwaway MAC) and frames for its real MAC are dropped.
function setLink(address, arp) {
  execFileSync('ip', ['link', 'set', 'dev', iface, 'arp', arp ? 'on' : 'off', 'address', address]);
}

try {
  // No IPv6 chatter (router solicitations, DAD) from a machine that is meant to be asleep.
  writeFileSync(`/proc/sys/net/ipv6/conf/${iface}/disable_ipv6`, '1');
} catch {}

async function wake() {
  clearTimeout(bootTimer);
  bootTimer = null;
  if (state === 'awake') return;
  // The service listens before the machine is reachable: a probe that slips in as the link comes
  // up must find the port open, not get a reset from a half-booted simulator.
  tcp = net.createServer((c) => c.end());
  await new Promise((r) => tcp.listen(o.tcp ?? 0, '0.0.0.0', r));
  setLink(mac, true);
  state = 'awake';
  say({ t: 'awake', tcp: tcp.address().port });
}

async function sleep() {
  clearTimeout(bootTimer);
  bootTimer = null;
  if (tcp) await new Promise((r) => tcp.close(() => r()));
  tcp = null;
  setLink(sleepMac, false);
  state = 'asleep';
  say({ t: 'asleep' });
}

const sockets = [];
for (const address of [o.broadcast, o.ip, '255.255.255.255'].filter(Boolean))
  for (const port of ports) {
    const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    s.on('message', (payload, from) => {
      const forMe = isMagicFor(payload);
      say({ t: 'packet', to: address, port, from: from.address, hex: payload.toString('hex'), forMe });
      if (forMe && state === 'asleep' && !bootTimer)
        bootTimer = setTimeout(() => void wake(), (o.bootSeconds ?? 0) * 1000);
    });
    await new Promise((r) => s.bind(port, address, r));
    sockets.push(s);
  }

if (o.awake) await wake();
else await sleep();
say({ t: 'ready' });

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'sleep') void sleep();
  if (line.trim() === 'wake') void wake();
});
process.on('SIGTERM', () => process.exit(0));
