// The agent's stack and nothing of Lifeline: node with fastify, its WebSocket and static-file
// plugins, an SQLite database in WAL mode, valibot and yaml loaded, listening and idle. The idle
// benchmark runs it beside the agent and reports the agent's RSS as a ratio to this floor.

import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import * as v from 'valibot';
import { parse } from 'yaml';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-floor-'));
const db = new Database(path.join(dir, 'floor.db'));
db.pragma('journal_mode = WAL');
db.exec('CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, v TEXT)');
v.parse(v.object({ a: v.number() }), parse('a: 1'));
const app = Fastify({ logger: false });
await app.register(fastifyWebsocket);
await app.register(fastifyStatic, { root: dir });
app.get('/ws', { websocket: true }, (socket) => socket.on('message', () => {}));
await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write('floor listening\n');

// `--session-crypto`: also what every agent does with its stack's crypto, once — WebCrypto (the
// session crypto is WebCrypto so browser and Node share it): a P-256 identity imported, a signature
// made and checked (the relay link's auth), an ECDH agreement through HKDF into AES-GCM (a session's
// set-up), one sealed frame. No Lifeline code: the calls a minimal session server cannot avoid.
if (process.argv.includes('--session-crypto')) {
  const { subtle } = globalThis.crypto;
  const SIGN = { name: 'ECDSA', namedCurve: 'P-256' };
  const ECDH = { name: 'ECDH', namedCurve: 'P-256' };
  const made = await subtle.generateKey(SIGN, true, ['sign', 'verify']);
  const jwk = await subtle.exportKey('jwk', made.privateKey);
  const privateKey = await subtle.importKey('jwk', jwk, SIGN, false, ['sign']);
  const data = new Uint8Array(32);
  const signature = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, data);
  await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, made.publicKey, signature, data);
  const ours = await subtle.generateKey(ECDH, false, ['deriveBits']);
  const theirs = await subtle.generateKey(ECDH, true, ['deriveBits']);
  const raw = await subtle.exportKey('raw', theirs.publicKey);
  const peer = await subtle.importKey('raw', raw, ECDH, false, []);
  const secret = await subtle.deriveBits({ name: 'ECDH', public: peer }, ours.privateKey, 256);
  const ikm = await subtle.importKey('raw', secret, 'HKDF', false, ['deriveKey']);
  const key = await subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: new Uint8Array(8) },
    ikm,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
  const iv = new Uint8Array(12);
  await subtle.decrypt(
    { name: 'AES-GCM', iv },
    key,
    await subtle.encrypt({ name: 'AES-GCM', iv }, key, data),
  );
  process.stdout.write('floor used the session crypto\n');
}
